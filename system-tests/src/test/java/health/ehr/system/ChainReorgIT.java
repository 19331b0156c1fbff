package health.ehr.system;

import static health.ehr.system.Api.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import health.ehr.support.testing.LocalStack;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The platform's own anvil reorganises deeper than the confirmation depths (chain-anchor-service: 2,
 * consent-service: its block on top), right after a grant and an anchor, and again right after a
 * revocation. Measured through the gateway as a patient and a practitioner see it, with JSON-RPC as
 * the judge of what the canonical chain holds: how long anything is claimed that the chain lacks,
 * and how long until everything is back on the canonical chain. Prints both figures per case.
 */
class ChainReorgIT {

    private static final Duration HEAL = Duration.ofSeconds(60);
    private static final Duration CHAIN = Duration.ofSeconds(90);
    private static final Duration FALSE_CLAIM_LIMIT = Duration.ofSeconds(10);

    @Test
    void aReorgDeeperThanTheConfirmationsIsHealedAndNothingFalseIsClaimedForLong() throws Exception {
        LocalStack.Party doctor = LocalStack.registerPractitioner("reorg-doctor");
        LocalStack.Party patient = LocalStack.registerPatient("reorg-patient");
        byte[] content = new byte[4_096];
        new Random(22).nextBytes(content);
        HttpResponse<String> uploaded = Api.upload(patient.id().toString(), patient.token(), content);
        assertEquals(201, uploaded.statusCode(), uploaded.body());
        String recordId = JSON.readTree(uploaded.body()).get("recordId").asText();
        String contentPath = "/api/records/" + recordId + "/content";
        String proofPath = "/api/records/" + recordId + "/proof";

        Instant asked = Instant.now();
        JsonNode consent = Api.grantAndAwaitActive(patient.token(), doctor.id().toString(), CHAIN);
        Duration grantBefore = Duration.between(asked, Instant.now());
        String consentPath = "/api/consents/" + consent.get("consentId").asText();
        JsonNode proof = Api.await(proofPath, patient.token(), p -> "ANCHORED".equals(p.path("status").asText()),
                CHAIN);
        assertEquals(200, Api.awaitStatus(contentPath, doctor.token(), 200, Duration.ofSeconds(20)).statusCode());

        // Drop every block from the older of the two transactions up: deeper than both confirmation depths.
        long oldest = Math.min(consent.get("blockNumber").asLong(), proof.get("blockNumber").asLong());
        long depth = head() - oldest + 1;
        assertTrue(depth >= 3, "deeper than 2 confirmations: " + depth);
        Instant reorgAt = reorg(depth);

        Duration falseClaims = awaitNoFalseClaim(patient, consentPath, proofPath, reorgAt);
        JsonNode healedConsent = Api.await(consentPath, patient.token(),
                c -> "ACTIVE".equals(c.path("status").asText()) && onCanonicalChain(c), HEAL);
        JsonNode healedProof = Api.await(proofPath, patient.token(),
                p -> "ANCHORED".equals(p.path("status").asText()) && onCanonicalChain(p), HEAL);
        Duration heal = Duration.between(reorgAt, Instant.now());
        byte[] root = Api.foldProof(UUID.fromString(recordId), JSON.readTree(uploaded.body()).get("sha256").asText(),
                healedProof);
        assertEquals(healedProof.get("merkleRoot").asText(), Api.hex(root));
        assertNotEquals(0L, Api.anchoredAt(healedProof.get("contractAddress").asText(), root),
                "AnchorRegistry on the canonical chain holds the root again");
        JsonNode verify = Api.getJson("/api/records/" + recordId + "/verify", patient.token());
        assertTrue(verify.get("intact").asBoolean() && verify.get("onChainRootMatches").asBoolean(), verify.toString());
        assertEquals(200, Api.awaitStatus(contentPath, doctor.token(), 200, Duration.ofSeconds(20)).statusCode(),
                "the practitioner reads again");
        System.out.printf("ChainReorgIT grant+anchor: reorg of %d blocks; longest false claim %d ms; healed (consent"
                + " ACTIVE in tx %s, proof ANCHORED in tx %s, both on the canonical chain) after %d ms%n", depth,
                falseClaims.toMillis(), healedConsent.get("transactionHash").asText(),
                healedProof.get("transactionHash").asText(), heal.toMillis());
        assertTrue(falseClaims.compareTo(FALSE_CLAIM_LIMIT) <= 0, "false claims for " + falseClaims);

        // A consent granted after the reorg becomes ACTIVE about as fast as before it.
        LocalStack.Party second = LocalStack.registerPractitioner("reorg-second");
        asked = Instant.now();
        Api.grantAndAwaitActive(patient.token(), second.id().toString(), CHAIN);
        Duration grantAfter = Duration.between(asked, Instant.now());
        System.out.printf("ChainReorgIT: a grant took %d ms to ACTIVE before the reorg, %d ms after it%n",
                grantBefore.toMillis(), grantAfter.toMillis());
        assertTrue(grantAfter.compareTo(grantBefore.multipliedBy(2).plusSeconds(5)) <= 0,
                "grants after the reorg are not held up: " + grantAfter + " vs " + grantBefore);

        // A dropped revocation must never leave the consent permitted on the platform.
        assertEquals(202, Api.send("DELETE", consentPath, patient.token(), null).statusCode());
        JsonNode revoked = Api.await(consentPath, patient.token(), c -> "REVOKED".equals(c.path("status").asText()),
                CHAIN);
        Api.awaitStatus(contentPath, doctor.token(), 403, Duration.ofSeconds(20));
        long revokedIn = revoked.get("revocationBlockNumber").asLong();
        depth = head() - revokedIn + 1;
        reorgAt = reorg(depth);
        long permittedReads = 0;
        long polls = 0;
        Instant until = reorgAt.plus(HEAL);
        JsonNode now = null;
        while (Instant.now().isBefore(until)) {
            polls++;
            if (Api.get(contentPath, doctor.token()).statusCode() == 200) {
                permittedReads++;
            }
            now = Api.getJson(consentPath, patient.token());
            if ("REVOKED".equals(now.path("status").asText()) && revocationOnCanonicalChain(now)) {
                break;
            }
            Thread.sleep(200);
        }
        Duration revokeHeal = Duration.between(reorgAt, Instant.now());
        System.out.printf("ChainReorgIT revocation: reorg of %d blocks; %d of %d reads by the practitioner permitted"
                + " meanwhile; REVOKED on the canonical chain again after %d ms%n", depth, permittedReads, polls,
                revokeHeal.toMillis());
        assertEquals(0, permittedReads, "the practitioner never reads while the revocation is off chain");
        assertEquals("REVOKED", now.path("status").asText(), "revoked on the canonical chain again: " + now);
        assertFalse(revokeHeal.compareTo(HEAL) > 0);
    }

    /** Polls until neither the consent nor the proof names a transaction the canonical chain lacks there. */
    private static Duration awaitNoFalseClaim(LocalStack.Party patient, String consentPath, String proofPath,
            Instant reorgAt) throws Exception {
        Instant deadline = reorgAt.plus(HEAL);
        while (Instant.now().isBefore(deadline)) {
            JsonNode consent = Api.getJson(consentPath, patient.token());
            JsonNode proof = Api.getJson(proofPath, patient.token());
            boolean consentTrue = !"ACTIVE".equals(consent.path("status").asText()) || onCanonicalChain(consent);
            boolean proofTrue = !"ANCHORED".equals(proof.path("status").asText()) || onCanonicalChain(proof);
            if (consentTrue && proofTrue) {
                return Duration.between(reorgAt, Instant.now());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("false claims for longer than " + HEAL);
    }

    /** Whether the transaction a consent or proof names is in the canonical chain, in the block it names. */
    private static boolean onCanonicalChain(JsonNode claim) {
        return inBlock(claim.path("transactionHash").asText(null), claim.path("blockNumber").asLong(-1));
    }

    private static boolean revocationOnCanonicalChain(JsonNode consent) {
        return inBlock(consent.path("revocationTransactionHash").asText(null),
                consent.path("revocationBlockNumber").asLong(-1));
    }

    private static boolean inBlock(String transactionHash, long blockNumber) {
        if (transactionHash == null || blockNumber < 0) {
            return false;
        }
        try {
            JsonNode receipt = Api.receipt(transactionHash);
            return receipt != null && !receipt.isNull()
                    && Long.decode(receipt.get("blockNumber").asText()) == blockNumber;
        } catch (Exception e) {
            throw new IllegalStateException("eth_getTransactionReceipt " + transactionHash, e);
        }
    }

    private static long head() throws Exception {
        return Long.decode(Api.rpc("eth_blockNumber", "[]").asText());
    }

    private static Instant reorg(long depth) throws Exception {
        Api.rpc("anvil_reorg", "[" + depth + ",[]]");
        return Instant.now();
    }

}
