package health.ehr.identity.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;

import health.ehr.support.testing.LocalStack;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class MeResourceTest {

    @Test
    void withoutATokenTheAnswerIs401ProblemJson() {
        given().when().get("/api/identity/me")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer realm=\"ehr\"")
                .body("status", equalTo(401))
                .body("title", equalTo("Unauthorized"));
    }

    @Test
    void aForgedTokenIsRefused() {
        String forged = "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjMiLCJncm91cHMiOlsiYWRtaW4iXX0.";
        given().auth().oauth2(forged).when().get("/api/identity/me")
                .then().statusCode(401)
                .contentType("application/problem+json");
    }

    @Test
    void theSeededAdministratorSeesTheirIdentityFromAKeycloakToken() {
        String token = LocalStack.userToken(LocalStack.ADMIN_EMAIL, LocalStack.ADMIN_PASSWORD);

        given().auth().oauth2(token).when().get("/api/identity/me")
                .then().statusCode(200)
                .body("role", equalTo("admin"))
                .body("email", equalTo("admin@ehr.local"))
                .body("userId", matchesPattern("[0-9a-f-]{36}"))
                .body("patientId", nullValue());
    }
}
