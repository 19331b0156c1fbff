package health.ehr.system;

import static health.ehr.system.Api.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import health.ehr.support.testing.LocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The local stack's chain is replaced under its kept databases (anvil stopped, its state deleted,
 * started again: a new genesis block, no contracts), as after a lost disk or a reset test network.
 * The platform must stop claiming what the new chain lacks, say why it is not ready, and be repaired
 * by the documented command, {@code deploy/local/platform reanchor}: the record anchored and the
 * consent active again, on the new chain, and the practitioner reading again. Prints the window of
 * false claims and the time to repair.
 */
class ChainResetIT {

    private static final Duration DETECT = Duration.ofSeconds(60);
    private static final Duration REPAIR = Duration.ofMinutes(4);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aChainResetUnderTheKeptDatabasesIsDetectedAndRepairedByTheDocumentedCommand() throws Exception {
        LocalStack.Party doctor = LocalStack.registerPractitioner("reset-doctor");
        LocalStack.Party patient = LocalStack.registerPatient("reset-patient");
        byte[] content = new byte[2_048];
        new Random(3).nextBytes(content);
        HttpResponse<String> uploaded = Api.upload(patient.id().toString(), patient.token(), content);
        assertEquals(201, uploaded.statusCode(), uploaded.body());
        String recordId = JSON.readTree(uploaded.body()).get("recordId").asText();
        String contentPath = "/api/records/" + recordId + "/content";
        String proofPath = "/api/records/" + recordId + "/proof";
        JsonNode before = Api.grantAndAwaitActive(patient.token(), doctor.id().toString(), Duration.ofSeconds(90));
        String consentPath = "/api/consents/" + before.get("consentId").asText();
        JsonNode anchoredBefore = Api.await(proofPath, patient.token(),
                p -> "ANCHORED".equals(p.path("status").asText()), Duration.ofSeconds(90));
        Api.awaitStatus(contentPath, doctor.token(), 200, Duration.ofSeconds(20));

        // The chain goes; a new one with another genesis takes its port.
        Path state = Path.of(LocalStack.env("EHR_STATE_DIR", LocalStack.repositoryRoot().resolve(".local").toString()))
                .resolve("data/anvil/state.json");
        Api.platform("kill", "anvil");
        Files.deleteIfExists(state);
        Api.platform("up", "anvil");
        Instant resetAt = Instant.now();

        // Nothing is claimed that the new chain lacks, and chain-anchor-service says why it is not ready.
        Instant deadline = resetAt.plus(DETECT);
        boolean honest = false;
        while (!honest && Instant.now().isBefore(deadline)) {
            JsonNode consent = Api.getJson(consentPath, patient.token());
            JsonNode proof = Api.getJson(proofPath, patient.token());
            JsonNode record = Api.getJson("/api/records/" + recordId, patient.token());
            honest = !"ACTIVE".equals(consent.path("status").asText())
                    && !"ANCHORED".equals(proof.path("status").asText())
                    && !"ANCHORED".equals(record.path("anchorStatus").asText())
                    && Api.get(contentPath, doctor.token()).statusCode() == 403;
            if (!honest) {
                Thread.sleep(200);
            }
        }
        Duration falseClaims = Duration.between(resetAt, Instant.now());
        assertTrue(honest, "still claimed after " + DETECT + ": the consent ACTIVE, the proof or the record ANCHORED,"
                + " or the practitioner reading, on a chain that has none of them");
        HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + LocalStack.env("EHR_CHAIN_ANCHOR_PORT", "8086") + "/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(503, ready.statusCode());
        assertTrue(ready.body().contains("Chain identity") && ready.body().contains("adopt"), ready.body());

        // The documented repair.
        Instant repairAt = Instant.now();
        Api.platform("reanchor");
        JsonNode after = Api.await(consentPath, patient.token(),
                c -> "ACTIVE".equals(c.path("status").asText()) && receiptIn(c), REPAIR);
        JsonNode proof = Api.await(proofPath, patient.token(),
                p -> "ANCHORED".equals(p.path("status").asText()) && receiptIn(p), REPAIR);
        Api.awaitStatus(contentPath, doctor.token(), 200, Duration.ofSeconds(30));
        Duration repair = Duration.between(repairAt, Instant.now());
        byte[] root = Api.foldProof(UUID.fromString(recordId), JSON.readTree(uploaded.body()).get("sha256").asText(),
                proof);
        assertNotEquals(0L, Api.anchoredAt(proof.get("contractAddress").asText(), root),
                "AnchorRegistry on the new chain holds the record's root");
        assertNotEquals(anchoredBefore.get("transactionHash").asText(), proof.get("transactionHash").asText());
        Api.await("/api/records/" + recordId, patient.token(),
                r -> "ANCHORED".equals(r.path("anchorStatus").asText()), Duration.ofSeconds(30));
        assertNotEquals(before.get("transactionHash").asText(), after.get("transactionHash").asText(),
                "the grant was sent again on the new chain");
        System.out.printf("ChainResetIT: claims withdrawn %d ms after the chain was replaced; `platform reanchor`"
                + " and the repair (consent ACTIVE, record ANCHORED on the new chain, practitioner reading)"
                + " took %d ms%n",
                falseClaims.toMillis(), repair.toMillis());
    }

    private static boolean receiptIn(JsonNode claim) {
        String tx = claim.path("transactionHash").asText(null);
        if (tx == null) {
            return false;
        }
        try {
            JsonNode receipt = Api.receipt(tx);
            return receipt != null && !receipt.isNull()
                    && Long.decode(receipt.get("blockNumber").asText()) == claim.path("blockNumber").asLong(-1);
        } catch (Exception e) {
            throw new IllegalStateException("eth_getTransactionReceipt " + tx, e);
        }
    }
}
