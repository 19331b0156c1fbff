package health.ehr.records.rest;

import health.ehr.support.testing.ServiceBasicsContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class HealthResourceTest extends ServiceBasicsContract {

    @Override
    protected String apiTitle() {
        return "EHR Records API";
    }

    @Override
    protected String apiArea() {
        return "/api/records";
    }
}
