package health.ehr.exchange.rest;

import health.ehr.exchange.testing.TestNetwork;
import health.ehr.support.testing.ServiceBasicsContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;

@QuarkusTest
@QuarkusTestResource(value = TestNetwork.class, restrictToAnnotatedClass = true)
class HealthResourceTest extends ServiceBasicsContract {

    @Override
    protected String apiTitle() {
        return "EHR Exchange API";
    }

    @Override
    protected String apiArea() {
        return "/api/exchange";
    }

    @Override
    protected List<String> readinessChecks() {
        return List.of("Database connections health check", "Organization registry");
    }
}
