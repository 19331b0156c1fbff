package health.ehr.identity.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A service whose Kafka is unreachable must say so: readiness DOWN, liveness still UP. */
@QuarkusTest
@TestProfile(ReadinessWithoutKafkaTest.NoKafka.class)
class ReadinessWithoutKafkaTest {

    /** Points the service at a port where no broker listens. */
    public static class NoKafka implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kafka.bootstrap.servers", "127.0.0.1:1");
        }
    }

    @Test
    void readinessIsDownAndNamesKafkaWhileLivenessStaysUp() {
        given().when().get("/q/health/ready")
                .then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.findAll { it.status == 'DOWN' }.name", hasItem("Kafka connection health check"));
        given().when().get("/q/health/live")
                .then().statusCode(200);
    }
}
