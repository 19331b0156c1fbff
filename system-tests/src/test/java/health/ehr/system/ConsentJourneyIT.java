package health.ehr.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.ehr.support.testing.LocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Consent through the gateway, across identity-, consent-, chain-anchor- and records-service and the
 * chain: a practitioner is refused, the patient grants, the grant becomes ACTIVE on chain, the
 * practitioner reads byte for byte and appears in the access log, the patient revokes, and the
 * practitioner is refused again within seconds.
 */
class ConsentJourneyIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GATEWAY = LocalStack.gatewayUrl();

    @Test
    void aGrantLetsThePractitionerReadAndARevocationStopsIt() throws Exception {
        LocalStack.Party patient = LocalStack.registerPatient("consenting");
        LocalStack.Party doctor = LocalStack.registerPractitioner("consented");
        byte[] content = new byte[20_000];
        new Random(7).nextBytes(content);
        String recordId = RecordJourneyIT.upload(patient.id().toString(), patient.token(), content)
                .get("recordId").asText();
        String contentPath = "/api/records/" + recordId + "/content";
        assertEquals(403, get(contentPath, doctor.token()).statusCode(), "no consent yet");

        String grant = "{\"granteeId\":\"" + doctor.id() + "\",\"scope\":{\"categories\":[\"LAB_RESULT\"]},"
                + "\"purpose\":\"treatment\",\"expiresAt\":\"" + Instant.now().plus(30, ChronoUnit.DAYS) + "\"}";
        HttpResponse<String> requested = send("POST", "/api/consents", patient.token(), grant);
        assertEquals(202, requested.statusCode(), requested.body());
        String consentId = JSON.readTree(requested.body()).get("consentId").asText();
        assertEquals("PENDING", JSON.readTree(requested.body()).get("status").asText());

        JsonNode active = await("/api/consents/" + consentId, patient.token(),
                c -> "ACTIVE".equals(c.path("status").asText()), Duration.ofSeconds(90));
        assertTrue(active.path("transactionHash").asText().matches("0x[0-9a-f]{64}"), active.toString());
        assertTrue(active.path("blockNumber").asLong() > 0);

        HttpResponse<byte[]> read = awaitStatus(contentPath, doctor.token(), 200, Duration.ofSeconds(20));
        assertArrayEquals(content, read.body(), "the practitioner reads byte for byte");
        JsonNode log = JSON.readTree(get("/api/records/access-log", patient.token()).body());
        boolean logged = false;
        for (JsonNode entry : log.get("items")) {
            logged |= doctor.id().toString().equals(entry.get("actorId").asText())
                    && "READ_CONTENT".equals(entry.get("action").asText());
        }
        assertTrue(logged, "the patient sees the practitioner's read: " + log);

        HttpResponse<String> revoking = send("DELETE", "/api/consents/" + consentId, patient.token(), null);
        assertEquals(202, revoking.statusCode(), revoking.body());
        await("/api/consents/" + consentId, patient.token(), c -> "REVOKED".equals(c.path("status").asText()),
                Duration.ofSeconds(90));
        awaitStatus(contentPath, doctor.token(), 403, Duration.ofSeconds(20));
    }

    private static JsonNode await(String path, String token, Predicate<JsonNode> done, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<byte[]> response = get(path, token);
            assertEquals(200, response.statusCode(), new String(response.body()));
            last = JSON.readTree(response.body());
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(path + " did not reach the expected state within " + limit + ": " + last);
    }

    private static HttpResponse<byte[]> awaitStatus(String path, String token, int status, Duration limit)
            throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        HttpResponse<byte[]> last = null;
        while (System.nanoTime() < deadline) {
            last = get(path, token);
            if (last.statusCode() == status) {
                return last;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(path + " answered " + (last == null ? "nothing" : last.statusCode())
                + " instead of " + status + " within " + limit);
    }

    private static HttpResponse<byte[]> get(String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(GATEWAY + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<String> send(String method, String path, String token, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(GATEWAY + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token);
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
