package health.ehr.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.ehr.support.testing.LocalStack;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;

/**
 * A record's life through the gateway, as a patient's frontend drives it: register, upload, read
 * back byte for byte, see the proof turn ANCHORED, check that proof with nothing but the proof and
 * the chain's JSON-RPC endpoint, erase, and keep the proof.
 */
class RecordJourneyIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GATEWAY = LocalStack.gatewayUrl();

    @Test
    void aRecordIsStoredReadAnchoredIndependentlyVerifiedAndErased() throws Exception {
        Party patient = register();
        byte[] content = new byte[150_000];
        new Random(42).nextBytes(content);

        JsonNode record = upload(patient.id(), patient.token(), content);
        String recordId = record.get("recordId").asText();
        String sha = "0x" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        assertEquals(sha, record.get("sha256").asText());

        HttpResponse<byte[]> read = send(get("/api/records/" + recordId + "/content", patient.token()),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, read.statusCode());
        assertArrayEquals(content, read.body());

        JsonNode proof = awaitAnchored(recordId, patient.token());
        byte[] leaf = leaf(UUID.fromString(recordId), HexFormat.of().parseHex(sha.substring(2)));
        assertEquals(hex(leaf), proof.get("leaf").asText(), "the leaf follows the published rule");
        byte[] root = leaf;
        for (JsonNode step : proof.get("proof")) {
            byte[] sibling = HexFormat.of().parseHex(step.get("hash").asText().substring(2));
            root = "left".equals(step.get("position").asText()) ? node(sibling, root) : node(root, sibling);
        }
        assertEquals(proof.get("merkleRoot").asText(), hex(root), "the proof folds to the batch root");
        long anchoredAt = anchoredAt(proof.get("contractAddress").asText(), root);
        assertNotEquals(0L, anchoredAt, "AnchorRegistry holds the root, read straight from the chain");

        JsonNode verify = JSON.readTree(send(get("/api/records/" + recordId + "/verify", patient.token()),
                HttpResponse.BodyHandlers.ofString()).body());
        assertTrue(verify.get("intact").asBoolean());
        assertTrue(verify.get("anchored").asBoolean());
        assertTrue(verify.get("onChainRootMatches").asBoolean());

        Party stranger = register();
        assertEquals(404, send(get("/api/records/" + recordId, stranger.token()),
                HttpResponse.BodyHandlers.discarding()).statusCode());

        HttpRequest erase = HttpRequest.newBuilder(URI.create(GATEWAY + "/api/records/" + recordId))
                .header("Authorization", "Bearer " + patient.token()).DELETE().build();
        assertEquals(204, send(erase, HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals(410, send(get("/api/records/" + recordId + "/content", patient.token()),
                HttpResponse.BodyHandlers.discarding()).statusCode());
        JsonNode kept = JSON.readTree(send(get("/api/records/" + recordId + "/proof", patient.token()),
                HttpResponse.BodyHandlers.ofString()).body());
        assertEquals("ANCHORED", kept.get("status").asText());
        assertEquals(proof.get("merkleRoot").asText(), kept.get("merkleRoot").asText());
    }

    private record Party(String id, String token) {
    }

    private static Party register() throws Exception {
        String email = "journey-" + UUID.randomUUID().toString().substring(0, 12) + "@example.test";
        String body = "{\"email\":\"" + email + "\",\"password\":\"Correct-Horse-9\",\"givenName\":\"Jo\","
                + "\"familyName\":\"Journey\",\"birthDate\":\"1985-05-05\"}";
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(GATEWAY + "/api/identity/patients"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        return new Party(JSON.readTree(created.body()).get("patientId").asText(),
                LocalStack.userToken(email, "Correct-Horse-9"));
    }

    /** Uploads {@code content} as a LAB_RESULT of {@code patientId} through the gateway; the 201 body. */
    static JsonNode upload(String patientId, String token, byte[] content) throws Exception {
        String boundary = "journey" + UUID.randomUUID().toString().replace("-", "");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String[] field : new String[][] {{"patientId", patientId}, {"category", "LAB_RESULT"},
                {"title", "Blood panel"}}) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field[0] + "\"\r\n\r\n"
                    + field[1] + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"panel.pdf\"\r\n"
                + "Content-Type: application/pdf\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(content);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(GATEWAY + "/api/records"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private static JsonNode awaitAnchored(String recordId, String token) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode proof = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = send(get("/api/records/" + recordId + "/proof", token),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            proof = JSON.readTree(response.body());
            if ("ANCHORED".equals(proof.path("status").asText())) {
                return proof;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the record was not anchored within 90 s; last proof: " + proof);
    }

    /** {@code AnchorRegistry.anchoredAt(root)}'s timestamp, by a raw {@code eth_call}. */
    private static long anchoredAt(String contract, byte[] root) throws Exception {
        String selector = Hash.sha3String("anchoredAt(bytes32)").substring(0, 10);
        String call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_call\",\"params\":[{\"to\":\"" + contract
                + "\",\"data\":\"" + selector + HexFormat.of().formatHex(root) + "\"},\"latest\"]}";
        String rpc = LocalStack.env("EHR_CHAIN_RPC_URL", "http://localhost:" + LocalStack.env("EHR_CHAIN_PORT", "8545"));
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(rpc))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(call)).build(),
                HttpResponse.BodyHandlers.ofString());
        String result = JSON.readTree(response.body()).get("result").asText();
        return Long.parseLong(result.substring(2, 66), 16);
    }

    private static byte[] leaf(UUID recordId, byte[] contentSha) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update((byte) 0x00);
        sha.update(ByteBuffer.allocate(16).putLong(recordId.getMostSignificantBits())
                .putLong(recordId.getLeastSignificantBits()).array());
        return sha.digest(contentSha);
    }

    private static byte[] node(byte[] left, byte[] right) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update((byte) 0x01);
        sha.update(left);
        return sha.digest(right);
    }

    private static String hex(byte[] bytes) {
        return "0x" + HexFormat.of().formatHex(bytes);
    }

    private static HttpRequest get(String path, String token) {
        return HttpRequest.newBuilder(URI.create(GATEWAY + path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30)).GET().build();
    }

    private static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws Exception {
        return HTTP.send(request, handler);
    }
}
