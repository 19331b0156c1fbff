package health.ehr.system.security;

import com.fasterxml.jackson.databind.JsonNode;
import health.ehr.support.testing.LocalStack;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * The people of the security suite, each with a real token: a victim patient who owns a record, a
 * consent and an appointment, and the parties who must not reach them (another patient, a
 * practitioner and a clinic without consent, the auditor, the administrator).
 */
final class Scene {

    /** A signed-in party: its party id and an access token. */
    record Actor(String label, String id, String token) {
    }

    final Actor victim;
    final Actor otherPatient;
    final Actor practitioner;
    final Actor clinic;
    final Actor auditor;
    final Actor admin;
    /** The practitioner the victim consented to and booked with (not an attacker). */
    final Actor grantee;
    final String victimEmail;
    final String recordTitle;
    final String recordId;
    final String consentId;
    final String appointmentId;
    final String bookedSlotId;
    final String freeSlotId;
    final String batchId;

    private Scene() {
        LocalStack.Party patientA = LocalStack.registerPatient("victim");
        LocalStack.Party patientB = LocalStack.registerPatient("intruder");
        LocalStack.Party doctorX = LocalStack.registerPractitioner("unconsented");
        LocalStack.Party doctorG = LocalStack.registerPractitioner("granted");
        victim = new Actor("victim", patientA.id().toString(), patientA.token());
        otherPatient = new Actor("patient B", patientB.id().toString(), patientB.token());
        practitioner = new Actor("practitioner", doctorX.id().toString(), doctorX.token());
        grantee = new Actor("grantee", doctorG.id().toString(), doctorG.token());
        victimEmail = patientA.email();
        String adminToken = LocalStack.userToken(LocalStack.ADMIN_EMAIL, LocalStack.ADMIN_PASSWORD);
        admin = new Actor("admin", me(adminToken), adminToken);
        String auditorToken = LocalStack.userToken(LocalStack.AUDITOR_EMAIL, LocalStack.AUDITOR_PASSWORD);
        auditor = new Actor("auditor", me(auditorToken), auditorToken);
        clinic = registerClinic(adminToken);

        recordTitle = "Suite title " + UUID.randomUUID();
        recordId = Gateway.upload(victim.id(), victim.token(), recordTitle, "panel.txt",
                ("potassium 4.1 mmol/l " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8))
                .get("recordId").asText();

        Gateway.Answer granted = Gateway.json("POST", "/api/consents", victim.token(),
                "{\"granteeId\":\"" + grantee.id() + "\",\"scope\":{\"categories\":[\"LAB_RESULT\"]},"
                        + "\"purpose\":\"treatment\",\"expiresAt\":\"" + Instant.now().plus(30, ChronoUnit.DAYS)
                        + "\"}");
        expect(202, granted, "the victim's consent");
        consentId = granted.json().get("consentId").asText();

        // Whole hours, far enough ahead and per fresh practitioner, so no other test's slot collides.
        Instant start = Instant.now().plus(40 + (long) (Math.random() * 300), ChronoUnit.DAYS)
                .truncatedTo(ChronoUnit.HOURS);
        Gateway.Answer slots = Gateway.json("POST", "/api/appointments/slots", grantee.token(),
                "{\"from\":\"" + start + "\",\"to\":\"" + start.plus(1, ChronoUnit.HOURS)
                        + "\",\"durationMinutes\":30}");
        expect(201, slots, "the grantee's slots");
        bookedSlotId = slots.json().get("items").get(0).get("slotId").asText();
        freeSlotId = slots.json().get("items").get(1).get("slotId").asText();
        Gateway.Answer booked = Gateway.json("POST", "/api/appointments", victim.token(),
                "{\"slotId\":\"" + bookedSlotId + "\",\"reason\":\"suite private reason\"}");
        expect(201, booked, "the victim's appointment");
        appointmentId = booked.json().get("appointmentId").asText();

        JsonNode batches = Gateway.get("/api/anchors/batches?page=0&size=1", adminToken).json();
        batchId = batches.path("items").size() > 0 ? batches.get("items").get(0).get("batchId").asText()
                : UUID.randomUUID().toString();
    }

    static Scene create() {
        return new Scene();
    }

    /** The attackers in the matrix's column order (the victim, as control, comes first). */
    List<Actor> columns() {
        return List.of(victim, otherPatient, practitioner, clinic, auditor, admin);
    }

    /** A clinic registered by the administrator, signed in with the client-credentials grant. */
    static Actor registerClinic(String adminToken) {
        Gateway.Answer created = Gateway.json("POST", "/api/identity/clinics", adminToken,
                "{\"name\":\"Suite Clinic " + UUID.randomUUID().toString().substring(0, 8) + "\",\"contactEmail\":\""
                        + LocalStack.uniqueEmail("clinic") + "\"}");
        expect(201, created, "the clinic");
        JsonNode clinic = created.json();
        return new Actor("clinic", clinic.get("clinicId").asText(),
                LocalStack.clientToken(clinic.get("clientId").asText(), clinic.get("clientSecret").asText()));
    }

    private static String me(String token) {
        Gateway.Answer me = Gateway.get("/api/identity/me", token);
        expect(200, me, "/api/identity/me");
        return me.json().get("userId").asText();
    }

    private static void expect(int status, Gateway.Answer answer, String what) {
        if (answer.status() != status) {
            throw new AssertionError(what + ": expected " + status + ", got " + answer.status() + ": "
                    + answer.abbreviated());
        }
    }
}
