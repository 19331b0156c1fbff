package health.ehr.consent.testing;

import static io.restassured.RestAssured.given;

import health.ehr.support.testing.LocalStack;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** Real parties registered through identity-service, with real Keycloak tokens. */
public final class Parties {

    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final String PASSWORD = "consent-test-pass-1";

    private Parties() {
    }

    /** A registered party: its id, its pseudonymous chain id, its token; a patient's custodial controller. */
    public record Party(UUID id, String email, String chainId, String controllerAddress, String token) {

        public String bearer() {
            return "Bearer " + token;
        }
    }

    /** A patient, self-registered. */
    public static Party patient() {
        String email = unique("patient");
        JsonPath body = given().baseUri(LocalPlatform.identityUrl()).contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", PASSWORD, "givenName", "Pat", "familyName", "Consent",
                        "birthDate", "1980-02-03"))
                .post("/api/identity/patients").then().statusCode(201).extract().jsonPath();
        return new Party(UUID.fromString(body.getString("patientId")), email, body.getString("chainId"),
                body.getString("controllerAddress"), LocalStack.userToken(email, PASSWORD));
    }

    /** A practitioner, registered by the seeded administrator. */
    public static Party practitioner() {
        String email = unique("practitioner");
        JsonPath body = given().baseUri(LocalPlatform.identityUrl()).contentType(ContentType.JSON)
                .header("Authorization", "Bearer " + adminToken())
                .body(Map.of("email", email, "password", PASSWORD, "givenName", "Doc", "familyName", "Consent",
                        "licenseNumber", "LIC-" + SEQ.incrementAndGet(), "specialty", "Cardiology",
                        "organization", "Test Hospital"))
                .post("/api/identity/practitioners").then().statusCode(201).extract().jsonPath();
        return new Party(UUID.fromString(body.getString("practitionerId")), email, null, null,
                LocalStack.userToken(email, PASSWORD));
    }

    /** A partner clinic (a Keycloak client), registered by the seeded administrator. */
    public static Party clinic() {
        JsonPath body = given().baseUri(LocalPlatform.identityUrl()).contentType(ContentType.JSON)
                .header("Authorization", "Bearer " + adminToken())
                .body(Map.of("name", "Clinic " + UUID.randomUUID(), "contactEmail", unique("clinic")))
                .post("/api/identity/clinics").then().statusCode(201).extract().jsonPath();
        return new Party(UUID.fromString(body.getString("clinicId")), null, null, null,
                LocalStack.clientToken(body.getString("clientId"), body.getString("clientSecret")));
    }

    /** The seeded platform administrator's token. */
    public static String adminToken() {
        return LocalStack.userToken(LocalStack.ADMIN_EMAIL, LocalStack.ADMIN_PASSWORD);
    }

    private static volatile String serviceToken;
    private static volatile long serviceTokenAt;

    /** A platform service's token (records-service: realm role {@code service}), reused for 5 minutes. */
    public static String serviceToken() {
        if (serviceToken == null || System.nanoTime() - serviceTokenAt > 300_000_000_000L) {
            serviceToken = LocalStack.clientToken("records-service", LocalStack.localServiceSecret("records-service"));
            serviceTokenAt = System.nanoTime();
        }
        return serviceToken;
    }

    /** The chain id identity-service gives a party (internal endpoint, consent-service's own token). */
    public static String chainIdOf(UUID partyId) {
        String token = LocalStack.clientToken("consent-service", LocalStack.localServiceSecret("consent-service"));
        return given().baseUri(LocalPlatform.identityUrl()).header("Authorization", "Bearer " + token)
                .get("/api/identity/internal/parties/" + partyId).then().statusCode(200)
                .extract().jsonPath().getString("chainId");
    }

    private static String unique(String kind) {
        return kind + "-" + UUID.randomUUID().toString().substring(0, 8) + "-" + SEQ.incrementAndGet()
                + "@consent-test.local";
    }
}
