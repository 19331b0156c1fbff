package health.ehr.system;

import static health.ehr.system.Api.JSON;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import health.ehr.support.testing.LocalStack;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;

/**
 * The whole platform, through the gateway only, as a partner clinic, a practitioner and a patient
 * use it (issue 8's journey, in its order): the administrator registers a practitioner and a clinic;
 * a patient registers and signs in; uploads a record; the practitioner is refused; the patient
 * grants; the consent is ACTIVE and the chain says so; the practitioner reads byte for byte; the
 * clinic, with a client-credentials token, reads with its own consent; the proof is ANCHORED and
 * checked with nothing but the proof and JSON-RPC; the access log shows both reads; the revocation
 * bites (on chain too); an appointment mails both parties and a second patient gets 409; erasure
 * makes the content 410 and keeps the proof.
 */
class PlatformJourneyIT {

    private static final Duration CHAIN = Duration.ofSeconds(90);
    private static final String GRANTED = Hash.sha3String("ConsentGranted(bytes32,bytes32,bytes32,uint64,uint256)");
    private static final String PASSWORD = "Correct-Horse-9";

    @Test
    void aClinicAPractitionerAndAPatientThroughTheWholePlatform() throws Exception {
        // The administrator registers a practitioner and a clinic.
        String admin = LocalStack.userToken(LocalStack.ADMIN_EMAIL, LocalStack.ADMIN_PASSWORD);
        String doctorEmail = LocalStack.uniqueEmail("journey-doctor");
        HttpResponse<String> doctorCreated = Api.send("POST", "/api/identity/practitioners", admin,
                "{\"email\":\"" + doctorEmail + "\",\"password\":\"" + PASSWORD + "\",\"givenName\":\"Ada\","
                        + "\"familyName\":\"Okafor\",\"licenseNumber\":\"GMC-7781\",\"specialty\":\"Haematology\","
                        + "\"organization\":\"St Mary's\"}");
        assertEquals(201, doctorCreated.statusCode(), doctorCreated.body());
        String doctorId = JSON.readTree(doctorCreated.body()).get("practitionerId").asText();
        String doctor = LocalStack.userToken(doctorEmail, PASSWORD);

        HttpResponse<String> clinicCreated = Api.send("POST", "/api/identity/clinics", admin,
                "{\"name\":\"Lakeside Labs " + UUID.randomUUID().toString().substring(0, 6) + "\",\"contactEmail\":\""
                        + LocalStack.uniqueEmail("journey-clinic") + "\"}");
        assertEquals(201, clinicCreated.statusCode(), clinicCreated.body());
        JsonNode clinicJson = JSON.readTree(clinicCreated.body());
        String clinicId = clinicJson.get("clinicId").asText();
        String clinic = LocalStack.clientToken(clinicJson.get("clientId").asText(),
                clinicJson.get("clientSecret").asText());

        // A patient registers and signs in.
        String patientEmail = LocalStack.uniqueEmail("journey-patient");
        HttpResponse<String> patientCreated = Api.send("POST", "/api/identity/patients", null,
                "{\"email\":\"" + patientEmail + "\",\"password\":\"" + PASSWORD + "\",\"givenName\":\"Jo\","
                        + "\"familyName\":\"Journey\",\"birthDate\":\"1985-05-05\"}");
        assertEquals(201, patientCreated.statusCode(), patientCreated.body());
        JsonNode patientJson = JSON.readTree(patientCreated.body());
        String patientId = patientJson.get("patientId").asText();
        String patientChainId = patientJson.get("chainId").asText();
        String patient = LocalStack.userToken(patientEmail, PASSWORD);
        JsonNode me = Api.getJson("/api/identity/me", patient);
        assertEquals(patientId, me.get("patientId").asText());

        // The patient uploads a record.
        byte[] content = new byte[120_000];
        new Random(2026).nextBytes(content);
        HttpResponse<String> uploaded = Api.upload(patientId, patient, content);
        assertEquals(201, uploaded.statusCode(), uploaded.body());
        String recordId = JSON.readTree(uploaded.body()).get("recordId").asText();
        String sha = "0x" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        assertEquals(sha, JSON.readTree(uploaded.body()).get("sha256").asText());
        String contentPath = "/api/records/" + recordId + "/content";
        assertArrayEquals(content, Api.get(contentPath, patient).body(), "the patient reads it back");

        // The practitioner is refused; the patient grants; ACTIVE, and the chain says so.
        assertEquals(403, Api.get(contentPath, doctor).statusCode(), "no consent yet");
        JsonNode doctorConsent = Api.grantAndAwaitActive(patient, doctorId, CHAIN);
        String registry = assertGrantedOnChain(doctorConsent, patientChainId);

        // The practitioner reads byte for byte.
        assertArrayEquals(content, Api.awaitStatus(contentPath, doctor, 200, Duration.ofSeconds(20)).body(),
                "the practitioner reads byte for byte");

        // The clinic reads with its own consent (client-credentials token).
        assertEquals(403, Api.get(contentPath, clinic).statusCode(), "the practitioner's consent is not the clinic's");
        JsonNode clinicConsent = Api.grantAndAwaitActive(patient, clinicId, CHAIN);
        assertGrantedOnChain(clinicConsent, patientChainId);
        assertArrayEquals(content, Api.awaitStatus(contentPath, clinic, 200, Duration.ofSeconds(20)).body(),
                "the clinic reads byte for byte");

        // The proof is ANCHORED and checks out with nothing but the proof and JSON-RPC.
        JsonNode proof = Api.await("/api/records/" + recordId + "/proof", patient,
                p -> "ANCHORED".equals(p.path("status").asText()), CHAIN);
        byte[] root = Api.foldProof(UUID.fromString(recordId), sha, proof);
        assertEquals(proof.get("merkleRoot").asText(), Api.hex(root), "the proof folds to the batch root");
        assertNotEquals(0L, Api.anchoredAt(proof.get("contractAddress").asText(), root),
                "AnchorRegistry holds the root");
        JsonNode verify = Api.getJson("/api/records/" + recordId + "/verify", patient);
        assertTrue(verify.get("intact").asBoolean() && verify.get("onChainRootMatches").asBoolean(), verify.toString());

        // The access log shows both reads.
        JsonNode log = Api.getJson("/api/records/access-log", patient);
        assertTrue(readBy(log, doctorId), "the practitioner's read is logged: " + log);
        assertTrue(readBy(log, clinicId), "the clinic's read is logged: " + log);

        // The revocation bites, on chain too; the clinic's own consent is untouched.
        String doctorConsentId = doctorConsent.get("consentId").asText();
        assertEquals(202, Api.send("DELETE", "/api/consents/" + doctorConsentId, patient, null).statusCode());
        JsonNode revoked = Api.await("/api/consents/" + doctorConsentId, patient,
                c -> "REVOKED".equals(c.path("status").asText()), CHAIN);
        Api.awaitStatus(contentPath, doctor, 403, Duration.ofSeconds(20));
        JsonNode grantLog = grantLog(doctorConsent, patientChainId);
        assertFalse(Api.isPermitted(registry, patientChainId, grantLog.get("topics").get(2).asText(),
                revoked.get("scopeHash").asText()), "ConsentRegistry no longer permits the practitioner");
        assertEquals(200, Api.get(contentPath, clinic).statusCode(), "the clinic still reads");

        // An appointment: both parties mailed; a second patient gets 409.
        Instant start = Instant.now().plus(20, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
        HttpResponse<String> slots = Api.send("POST", "/api/appointments/slots", doctor,
                "{\"start\":\"" + start + "\",\"end\":\"" + start.plus(30, ChronoUnit.MINUTES) + "\"}");
        assertEquals(201, slots.statusCode(), slots.body());
        String booking = "{\"slotId\":\"" + JSON.readTree(slots.body()).get("items").get(0).get("slotId").asText()
                + "\",\"reason\":\"results\"}";
        HttpResponse<String> booked = Api.send("POST", "/api/appointments", patient, booking);
        assertEquals(201, booked.statusCode(), booked.body());
        LocalStack.Party latecomer = LocalStack.registerPatient("journey-latecomer");
        assertEquals(409, Api.send("POST", "/api/appointments", latecomer.token(), booking).statusCode());
        awaitMail(patientEmail, "EHR Exchange: An appointment was booked");
        awaitMail(doctorEmail, "EHR Exchange: An appointment was booked");

        // Erasure: the content is gone (410), the proof stays.
        assertEquals(204, Api.send("DELETE", "/api/records/" + recordId, patient, null).statusCode());
        assertEquals(410, Api.get(contentPath, patient).statusCode());
        assertEquals(410, Api.get(contentPath, clinic).statusCode());
        JsonNode kept = Api.getJson("/api/records/" + recordId + "/proof", patient);
        assertEquals("ANCHORED", kept.get("status").asText());
        assertEquals(proof.get("merkleRoot").asText(), kept.get("merkleRoot").asText());
    }

    /**
     * The grant's transaction succeeded in the block the consent names and ConsentRegistry permits it; the registry.
     */
    private static String assertGrantedOnChain(JsonNode consent, String patientChainId) throws Exception {
        JsonNode receipt = Api.receipt(consent.get("transactionHash").asText());
        assertEquals("0x1", receipt.get("status").asText(), "the grant transaction succeeded");
        assertEquals(consent.get("blockNumber").asLong(), Long.decode(receipt.get("blockNumber").asText()));
        JsonNode log = grantLog(consent, patientChainId);
        String registry = log.get("address").asText();
        assertTrue(Api.isPermitted(registry, patientChainId, log.get("topics").get(2).asText(),
                consent.get("scopeHash").asText()), "ConsentRegistry permits the grantee");
        return registry;
    }

    /** The ConsentGranted log of the consent's transaction, for this patient and scope. */
    private static JsonNode grantLog(JsonNode consent, String patientChainId) throws Exception {
        for (JsonNode log : Api.receipt(consent.get("transactionHash").asText()).get("logs")) {
            JsonNode topics = log.get("topics");
            if (topics.size() == 4 && GRANTED.equals(topics.get(0).asText())
                    && patientChainId.equalsIgnoreCase(topics.get(1).asText())
                    && consent.get("scopeHash").asText().equalsIgnoreCase(topics.get(3).asText())) {
                return log;
            }
        }
        throw new AssertionError("no ConsentGranted log for the patient and scope in " + consent);
    }

    private static boolean readBy(JsonNode log, String actorId) {
        for (JsonNode entry : log.get("items")) {
            if (actorId.equals(entry.get("actorId").asText()) && "READ_CONTENT".equals(entry.get("action").asText())) {
                return true;
            }
        }
        return false;
    }

    private static void awaitMail(String email, String subject) throws Exception {
        assertEquals(1, Api.awaitMail(email, subject, Duration.ofSeconds(90)), subject + " for " + email);
    }
}
