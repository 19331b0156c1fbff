package health.ehr.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.ehr.events.Ids;
import health.ehr.support.testing.LocalStack;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Predicate;
import org.web3j.crypto.Hash;

/**
 * What the journeys need to drive the public API through the gateway, as a clinic's or a patient's
 * client does, and to check the chain with nothing but JSON-RPC, as anyone holding a proof can.
 */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String GATEWAY = LocalStack.gatewayUrl();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Api() {
    }

    static HttpResponse<byte[]> get(String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(GATEWAY + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode getJson(String path, String token) throws Exception {
        HttpResponse<byte[]> response = get(path, token);
        assertEquals(200, response.statusCode(), path + ": " + new String(response.body(), StandardCharsets.UTF_8));
        return JSON.readTree(response.body());
    }

    /** A JSON request ({@code json} null: no body); {@code token} null: anonymous. */
    static HttpResponse<String> send(String method, String path, String token, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(GATEWAY + path))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Publishes {@code count} consecutive 15-minute slots from {@code from} for the practitioner; their ids. */
    static java.util.List<String> publishSlots(String practitionerToken, java.time.Instant from, int count)
            throws Exception {
        HttpResponse<String> slots = send("POST", "/api/appointments/slots", practitionerToken,
                "{\"from\":\"" + from + "\",\"to\":\"" + from.plus(Duration.ofMinutes(15L * count))
                        + "\",\"durationMinutes\":15}");
        assertEquals(201, slots.statusCode(), slots.body());
        java.util.List<String> ids = new java.util.ArrayList<>();
        JSON.readTree(slots.body()).get("items").forEach(slot -> ids.add(slot.get("slotId").asText()));
        assertEquals(count, ids.size());
        return ids;
    }

    /** Books each slot for the patient, each answered 201. */
    static void bookAll(String patientToken, java.util.List<String> slotIds) throws Exception {
        for (String slotId : slotIds) {
            HttpResponse<String> booked = send("POST", "/api/appointments", patientToken,
                    "{\"slotId\":\"" + slotId + "\",\"reason\":\"follow-up\"}");
            assertEquals(201, booked.statusCode(), booked.body());
        }
    }

    /** Uploads {@code content} as a LAB_RESULT of {@code patientId}; the answer as it came. */
    static HttpResponse<String> upload(String patientId, String token, byte[] content) throws Exception {
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
        return HTTP.send(HttpRequest.newBuilder(URI.create(GATEWAY + "/api/records"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The patient asks for a 30-day consent to LAB_RESULT records for {@code granteeId} (202), and the
     * consent is polled until ACTIVE: signed, on chain and past the confirmation depth.
     */
    static JsonNode grantAndAwaitActive(String patientToken, String granteeId, Duration limit) throws Exception {
        HttpResponse<String> requested = send("POST", "/api/consents", patientToken,
                "{\"granteeId\":\"" + granteeId + "\",\"scope\":{\"categories\":[\"LAB_RESULT\"]},"
                        + "\"purpose\":\"treatment\",\"expiresAt\":\""
                        + java.time.Instant.now().plus(30, java.time.temporal.ChronoUnit.DAYS) + "\"}");
        assertEquals(202, requested.statusCode(), requested.body());
        String consentId = JSON.readTree(requested.body()).get("consentId").asText();
        return await("/api/consents/" + consentId, patientToken, c -> "ACTIVE".equals(c.path("status").asText()),
                limit);
    }

    /** Polls a JSON resource until {@code done} holds. */
    static JsonNode await(String path, String token, Predicate<JsonNode> done, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = getJson(path, token);
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(path + " did not reach the expected state within " + limit + ": " + last);
    }

    /** Polls until {@code path} answers {@code status}; that answer. */
    static HttpResponse<byte[]> awaitStatus(String path, String token, int status, Duration limit) throws Exception {
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

    // ---- the SMTP sink (the local stack's GreenMail) and the project's own script -------------

    /** The messages in a party's GreenMail inbox (empty before the first one arrives). */
    static JsonNode inbox(String email) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                        + LocalStack.env("EHR_MAIL_API_PORT", "8025") + "/api/user/"
                        + java.net.URLEncoder.encode(email, StandardCharsets.UTF_8) + "/messages/INBOX")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? JSON.readTree(response.body()) : JSON.createArrayNode();
    }

    /** The party's mails with this subject: Message-ID → copies. */
    static java.util.Map<String, Integer> copies(String email, String subject) throws Exception {
        java.util.Map<String, Integer> copies = new java.util.HashMap<>();
        for (JsonNode message : inbox(email)) {
            if (subject.equals(message.path("subject").asText())) {
                copies.merge(message.path("Message-ID").asText(), 1, Integer::sum);
            }
        }
        return copies;
    }

    /** How many mails with this subject the party has received (every copy counted). */
    static long mails(String email, String subject) throws Exception {
        return copies(email, subject).values().stream().mapToLong(Integer::longValue).sum();
    }

    /** Waits until the party has at least one mail with this subject; how many it has then. */
    static long awaitMail(String email, String subject, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long count;
        while ((count = mails(email, subject)) == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + subject + "' mail for " + email + " within " + timeout);
            }
            Thread.sleep(250);
        }
        return count;
    }

    /** Runs {@code deploy/local/platform ARGS}; a service it starts runs from its existing jar. */
    static void platform(String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>();
        command.add(LocalStack.repositoryRoot().resolve("deploy/local/platform").toString());
        command.addAll(java.util.List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT);
        boolean built = java.util.Arrays.stream(args).filter(a -> a.endsWith("-service"))
                .allMatch(service -> java.nio.file.Files
                        .exists(LocalStack.repositoryRoot().resolve(service + "/target/quarkus-app/quarkus-run.jar")));
        if (built) {
            builder.environment().put("EHR_SKIP_BUILD", "1");
        }
        Process process = builder.start();
        String what = "deploy/local/platform " + String.join(" ", args);
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(what + " did not finish within 5 minutes");
        }
        assertEquals(0, process.exitValue(), what);
    }

    // ---- the chain, over JSON-RPC only ----------------------------------------------------------

    /** Folds a record's proof (docs/api.md's hashing rule) to its root; checks the leaf on the way. */
    static byte[] foldProof(UUID recordId, String contentSha256, JsonNode proof) throws Exception {
        byte[] leaf = leaf(recordId, HexFormat.of().parseHex(contentSha256.substring(2)));
        assertEquals(hex(leaf), proof.get("leaf").asText(), "the leaf follows the published rule");
        byte[] root = leaf;
        for (JsonNode step : proof.get("proof")) {
            byte[] sibling = HexFormat.of().parseHex(step.get("hash").asText().substring(2));
            root = "left".equals(step.get("position").asText()) ? node(sibling, root) : node(root, sibling);
        }
        return root;
    }

    /** {@code AnchorRegistry.anchoredAt(root)}: the anchoring block's timestamp, 0 when not anchored. */
    static long anchoredAt(String contract, byte[] root) throws Exception {
        String result = ethCall(contract, Hash.sha3String("anchoredAt(bytes32)").substring(0, 10)
                + HexFormat.of().formatHex(root));
        return Long.parseLong(result.substring(2, 66), 16);
    }

    /** {@code ConsentRegistry.isPermitted(patient, grantee, scopeHash)}, all three 0x bytes32. */
    static boolean isPermitted(String contract, String patient, String grantee, String scopeHash) throws Exception {
        String result = ethCall(contract, Hash.sha3String("isPermitted(bytes32,bytes32,bytes32)").substring(0, 10)
                + patient.substring(2) + grantee.substring(2) + scopeHash.substring(2));
        return new java.math.BigInteger(result.substring(2), 16).signum() != 0;
    }

    static JsonNode receipt(String transactionHash) throws Exception {
        return rpc("eth_getTransactionReceipt", "[\"" + transactionHash + "\"]");
    }

    static String ethCall(String contract, String data) throws Exception {
        return rpc("eth_call", "[{\"to\":\"" + contract + "\",\"data\":\"" + data + "\"},\"latest\"]").asText();
    }

    static JsonNode rpc(String method, String params) throws Exception {
        String call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}";
        String url = LocalStack.env("EHR_CHAIN_RPC_URL",
                "http://localhost:" + LocalStack.env("EHR_CHAIN_PORT", "8545"));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(call)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode answer = JSON.readTree(response.body());
        if (answer.has("error")) {
            throw new AssertionError(method + " failed: " + answer.get("error"));
        }
        return answer.get("result");
    }

    static byte[] leaf(UUID recordId, byte[] contentSha) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update((byte) 0x00);
        sha.update(Ids.bytes(recordId));
        return sha.digest(contentSha);
    }

    static byte[] node(byte[] left, byte[] right) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update((byte) 0x01);
        sha.update(left);
        return sha.digest(right);
    }

    static String hex(byte[] bytes) {
        return "0x" + HexFormat.of().formatHex(bytes);
    }
}
