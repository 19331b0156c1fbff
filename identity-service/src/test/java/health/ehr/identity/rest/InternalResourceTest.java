package health.ehr.identity.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;

import health.ehr.contracts.ConsentTypedData;
import health.ehr.support.testing.LocalStack;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The internal endpoints: only platform services, and signing only for consent-service. */
@QuarkusTest
class InternalResourceTest {

    @Test
    void consentServiceGetsAGrantSignedByThePatientsControllerKey() throws Exception {
        String patientId = register("signing");
        String practitionerId = registerPractitioner();
        String scopeHash = "0x" + "ab".repeat(32);
        String consentService = LocalStack.clientToken("consent-service",
                LocalStack.localServiceSecret("consent-service"));

        Response signed = given().auth().oauth2(consentService).contentType(ContentType.JSON)
                .body(Map.of("kind", "GRANT", "patientId", patientId, "granteeId", practitionerId,
                        "scopeHash", scopeHash, "expiresAt", 4_102_444_800L, "nonce", "0"))
                .when().post("/api/identity/internal/consent-signatures")
                .then().statusCode(200)
                .body("signature", matchesPattern("0x[0-9a-f]{130}"))
                .extract().response();

        byte[] digest = HexFormat.of().parseHex(signed.<String>path("digest").substring(2));
        byte[] signature = HexFormat.of().parseHex(signed.<String>path("signature").substring(2));
        String controller = given().auth().oauth2(LocalStack.userToken(LocalStack.ADMIN_EMAIL,
                        LocalStack.ADMIN_PASSWORD)).get("/api/identity/patients/" + patientId)
                .then().statusCode(200).extract().path("controllerAddress");
        assertEquals(controller, ConsentTypedData.recoverSigner(digest, signature).toLowerCase());
    }

    @Test
    void otherServicesAndUsersCannotHaveConsentsSigned() {
        String patientId = register("nosign");
        Map<String, Object> body = Map.of("kind", "REVOKE", "patientId", patientId, "granteeId", patientId,
                "scopeHash", "0x" + "00".repeat(32), "nonce", "0");
        String records = LocalStack.clientToken("records-service", LocalStack.localServiceSecret("records-service"));

        given().auth().oauth2(records).contentType(ContentType.JSON).body(body)
                .when().post("/api/identity/internal/consent-signatures")
                .then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(LocalStack.userToken(LocalStack.ADMIN_EMAIL, LocalStack.ADMIN_PASSWORD))
                .contentType(ContentType.JSON).body(body)
                .when().post("/api/identity/internal/consent-signatures")
                .then().statusCode(403);
        given().contentType(ContentType.JSON).body(body)
                .when().post("/api/identity/internal/consent-signatures")
                .then().statusCode(401);
    }

    @Test
    void servicesReadAPartysRoleContactAndChainId() {
        String patientId = register("party");
        String notifications = LocalStack.clientToken("notification-service",
                LocalStack.localServiceSecret("notification-service"));

        given().auth().oauth2(notifications).when().get("/api/identity/internal/parties/" + patientId)
                .then().statusCode(200)
                .body("role", equalTo("patient"))
                .body("chainId", matchesPattern("0x[0-9a-f]{64}"))
                .body("controllerAddress", matchesPattern("0x[0-9a-f]{40}"));
        given().auth().oauth2(notifications)
                .when().get("/api/identity/internal/parties/00000000-0000-0000-0000-000000000000")
                .then().statusCode(404).contentType("application/problem+json");
    }

    private static String register(String who) {
        return given().contentType(ContentType.JSON).body(RegistrationResourceTest.patient(
                        RegistrationResourceTest.uniqueEmail(who)))
                .post("/api/identity/patients").then().statusCode(201).extract().path("patientId");
    }

    private static String registerPractitioner() {
        return given().auth().oauth2(LocalStack.userToken(LocalStack.ADMIN_EMAIL, LocalStack.ADMIN_PASSWORD))
                .contentType(ContentType.JSON)
                .body(Map.of("email", RegistrationResourceTest.uniqueEmail("grantee"), "password", "Correct-Horse-9",
                        "givenName", "Grace", "familyName", "Hopper", "licenseNumber", "LIC-2",
                        "specialty", "Oncology", "organization", "General Hospital"))
                .post("/api/identity/practitioners").then().statusCode(201).extract().path("practitionerId");
    }
}
