package health.ehr.notification.rest;

import health.ehr.support.testing.ServiceBasicsContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class HealthResourceTest extends ServiceBasicsContract {

    @Override
    protected String apiTitle() {
        return "EHR Notification API";
    }

    @Override
    protected String apiArea() {
        return "/api/notifications";
    }
}
