package health.ehr.consent.rest;

import health.ehr.consent.testing.TestChain;
import health.ehr.support.testing.ServiceBasicsContract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Readiness, OpenAPI, metrics and the 404 problem, as every service promises them. */
@QuarkusTest
@WithTestResource(TestChain.class)
class HealthResourceTest extends ServiceBasicsContract {

    @Override
    protected String apiTitle() {
        return "EHR Consent API";
    }

    @Override
    protected String apiArea() {
        return "/api/consents";
    }
}
