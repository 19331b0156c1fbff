package health.ehr.anchor.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import health.ehr.anchor.testing.TestChain;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(TestChain.class)
class HealthResourceTest {

    @Test
    void isReadyWhenItsDatabaseAndKafkaAnswer() {
        given().when().get("/q/health/ready")
                .then().log().ifValidationFails().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("Database connections health check"))
                .body("checks.name", hasItem("Kafka connection health check"))
                .body("checks.name", hasItem("Ethereum node"));
    }

    @Test
    void servesItsOpenApiDocumentAndPrometheusMetrics() {
        given().when().get("/q/openapi?format=json")
                .then().statusCode(200)
                .body("info.title", equalTo("EHR Anchor API"));
        given().when().get("/q/metrics")
                .then().statusCode(200);
    }

    @Test
    void unknownApiPathsAnswerProblemJson() {
        given().when().get("/api/anchors/no-such-thing/really")
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404));
    }
}
