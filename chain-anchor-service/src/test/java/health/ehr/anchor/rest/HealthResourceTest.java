package health.ehr.anchor.rest;

import health.ehr.anchor.testing.TestChain;
import health.ehr.support.testing.ServiceBasicsContract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;

@QuarkusTest
@WithTestResource(TestChain.class)
class HealthResourceTest extends ServiceBasicsContract {

    @Override
    protected String apiTitle() {
        return "EHR Anchor API";
    }

    @Override
    protected String apiArea() {
        return "/api/anchors";
    }

    @Override
    protected List<String> readinessChecks() {
        return List.of("Database connections health check", "Kafka connection health check", "Ethereum node");
    }
}
