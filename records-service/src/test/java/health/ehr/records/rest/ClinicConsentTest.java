package health.ehr.records.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.ehr.support.testing.LocalStack;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A partner clinic (a Keycloak client, client-credentials token) and a patient's consent, with the
 * real identity-service, consent-service, chain and Keycloak of the local stack: nothing without a
 * consent, the consented category byte for byte with one, never another category, and every read in
 * the patient's access log.
 */
@QuarkusTest
class ClinicConsentTest {

    @Test
    void aClinicReadsOnlyWhatAnActiveConsentCoversAndThePatientSeesEveryRead() {
        // A consent becomes ACTIVE only through chain-anchor-service (the relay to the chain), which the
        // module build does not start (it is built after this module; starting it from here would build
        // it under the reactor). With the platform up this runs; in the test command the same path
        // (a clinic refused, then reading with its own consent, in the access log) is covered by
        // system-tests' PlatformJourneyIT.
        org.junit.jupiter.api.Assumptions.assumeTrue(ready(LocalStack.serviceUrl("EHR_CHAIN_ANCHOR_PORT", 8086)),
                "chain-anchor-service is not running: covered by system-tests' PlatformJourneyIT");
        LocalStack.ensureService("consent-service");
        LocalStack.Party patient = LocalStack.registerPatient("clinic-consent");
        Clinic clinic = registerClinic();
        byte[] lab = RecordsResourceTest.content(70_000, 21);
        String labId = upload(patient, "LAB_RESULT", lab);
        String imagingId = upload(patient, "IMAGING", RecordsResourceTest.content(3_000, 22));

        // No consent: the clinic gets nothing, not the content, the metadata or the list.
        for (String path : new String[] {"/" + labId, "/" + labId + "/content", "/" + imagingId + "/content"}) {
            given().auth().oauth2(clinic.token()).when().get("/api/records" + path)
                    .then().statusCode(403).contentType("application/problem+json");
        }
        given().auth().oauth2(clinic.token()).queryParam("patientId", patient.id()).when().get("/api/records")
                .then().statusCode(403).contentType("application/problem+json");

        String consentId = grant(patient, clinic.id(), List.of("LAB_RESULT"));
        awaitConsentActive(patient, consentId);

        // Answers are cached for 5 s and dropped on ConsentGranted: the read is allowed within seconds.
        Response read = await(() -> given().auth().oauth2(clinic.token())
                .when().get("/api/records/" + labId + "/content"), 200, Duration.ofSeconds(20));
        assertArrayEquals(lab, read.asByteArray(), "the clinic reads the record byte for byte");
        given().auth().oauth2(clinic.token()).when().get("/api/records/" + imagingId + "/content")
                .then().statusCode(403);
        given().auth().oauth2(clinic.token()).when().get("/api/records/" + imagingId).then().statusCode(403);
        given().auth().oauth2(clinic.token()).queryParam("patientId", patient.id()).when().get("/api/records")
                .then().statusCode(200)
                .body("total", equalTo(1))
                .body("items.recordId", contains(labId));

        JsonPath log = given().auth().oauth2(patient.token()).when().get("/api/records/access-log")
                .then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> byClinic = log.<Map<String, Object>>getList("items").stream()
                .filter(e -> clinic.id().toString().equals(e.get("actorId"))).toList();
        assertTrue(byClinic.stream().anyMatch(e -> "READ_CONTENT".equals(e.get("action"))
                && labId.equals(e.get("recordId")) && "clinic".equals(e.get("actorRole"))),
                "the patient sees the clinic's read: " + byClinic);
        assertTrue(byClinic.stream().anyMatch(e -> "LIST".equals(e.get("action"))), "and its listing: " + byClinic);
        assertTrue(byClinic.stream().noneMatch(e -> imagingId.equals(e.get("recordId"))),
                "refused reads are not reads: " + byClinic);
        given().auth().oauth2(patient.token()).when().get("/api/records/access-log/verify")
                .then().statusCode(200).body("intact", equalTo(true));
    }

    /** A partner clinic registered by the seeded administrator, with its client-credentials token. */
    record Clinic(UUID id, String token) {
    }

    static Clinic registerClinic() {
        JsonPath created = given().baseUri(LocalStack.serviceUrl("EHR_IDENTITY_PORT", 8081))
                .auth().oauth2(LocalStack.userToken(LocalStack.ADMIN_EMAIL, LocalStack.ADMIN_PASSWORD))
                .contentType(ContentType.JSON)
                .body(Map.of("name", "Clinic " + UUID.randomUUID(), "contactEmail", LocalStack.uniqueEmail("clinic")))
                .when().post("/api/identity/clinics")
                .then().statusCode(201).extract().jsonPath();
        return new Clinic(UUID.fromString(created.getString("clinicId")),
                LocalStack.clientToken(created.getString("clientId"), created.getString("clientSecret")));
    }

    static String upload(LocalStack.Party patient, String category, byte[] bytes) {
        return given().auth().oauth2(patient.token())
                .multiPart("patientId", patient.id().toString())
                .multiPart("category", category)
                .multiPart("title", category + " record")
                .multiPart("file", category.toLowerCase() + ".bin", bytes, "application/octet-stream")
                .when().post("/api/records")
                .then().statusCode(201).extract().path("recordId");
    }

    /** The patient grants {@code categories} to a grantee through consent-service; returns the consent id. */
    static String grant(LocalStack.Party patient, UUID grantee, List<String> categories) {
        return given().baseUri(consentService()).auth().oauth2(patient.token()).contentType(ContentType.JSON)
                .body(Map.of("granteeId", grantee.toString(), "scope", Map.of("categories", categories),
                        "purpose", "treatment", "expiresAt", Instant.now().plus(30, ChronoUnit.DAYS).toString()))
                .when().post("/api/consents")
                .then().statusCode(202).body("status", equalTo("PENDING")).extract().path("consentId");
    }

    /** Waits until the consent is mined past the confirmation depth. */
    private static boolean ready(String serviceUrl) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(serviceUrl + "/q/health/ready")).timeout(Duration.ofSeconds(3)).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (java.io.IOException | InterruptedException e) {
            return false;
        }
    }

    static void awaitConsentActive(LocalStack.Party patient, String consentId) {
        await(() -> {
            Response r = given().baseUri(consentService()).auth().oauth2(patient.token())
                    .when().get("/api/consents/" + consentId);
            assertEquals(200, r.statusCode(), r.asString());
            String status = r.jsonPath().getString("status");
            assertTrue(!"FAILED".equals(status), "the consent failed on chain: " + r.asString());
            return "ACTIVE".equals(status) ? r : null;
        }, -1, Duration.ofSeconds(90));
    }

    private static String consentService() {
        return LocalStack.serviceUrl("EHR_CONSENT_PORT", 8083);
    }

    /** Polls until the response has {@code status} (or, with -1, until the supplier answers non-null). */
    static Response await(Supplier<Response> call, int status, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        Response last = null;
        while (System.nanoTime() < deadline) {
            last = call.get();
            if (last != null && (status == -1 || last.statusCode() == status)) {
                return last;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("no answer " + (status == -1 ? "in the expected state" : status) + " within "
                + limit + "; last: " + (last == null ? "none" : last.statusCode() + " " + last.asString()));
    }
}
