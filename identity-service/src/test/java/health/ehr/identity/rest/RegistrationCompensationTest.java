package health.ehr.identity.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import health.ehr.identity.repository.PartyRepository;
import health.ehr.support.testing.LocalStack;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A registration that Keycloak accepted but the database step then failed (here: the custodial key
 * cannot be wrapped) leaves nothing behind: no Keycloak account, no profile row.
 */
@QuarkusTest
@TestProfile(RegistrationCompensationTest.BrokenKeyRing.class)
class RegistrationCompensationTest {

    /** Names a current key-encryption key that does not exist. */
    public static class BrokenKeyRing implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ehr.kek.current", "missing");
        }
    }

    @Inject
    PartyRepository parties;

    @Test
    void aFailureAfterKeycloakRemovesTheAccountAgain() {
        String email = RegistrationResourceTest.uniqueEmail("compensated");

        given().contentType(ContentType.JSON).body(RegistrationResourceTest.patient(email))
                .when().post("/api/identity/patients")
                .then().statusCode(503)
                .contentType("application/problem+json")
                .body("type", equalTo("https://ehr.health/problems/registration-failed"));

        assertEquals(0L, QuarkusTransaction.requiringNew().call(() -> parties.count("email", email)));
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> LocalStack.userToken(email, "Correct-Horse-9"));
        assertEquals(true, refused.getMessage().contains("401") || refused.getMessage().contains("400"),
                refused.getMessage());
    }
}
