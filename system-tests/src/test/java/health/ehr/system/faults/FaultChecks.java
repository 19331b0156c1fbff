package health.ehr.system.faults;

import com.fasterxml.jackson.databind.JsonNode;
import health.ehr.system.faults.FaultLoad.Upload;
import health.ehr.system.faults.FaultStack.Answer;
import health.ehr.system.faults.FaultStack.Party;
import health.ehr.system.faults.Settling.Settled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The checks, once the platform settled, of what the client was told against what the platform holds:
 * uploads (read back byte for byte, listed once), anchors ({@link AnchorCheck}), bookings (every 201 BOOKED,
 * no slot twice), mails (exactly what the platform's state calls for) and consents (the state the patient
 * asked for, and the chain agrees). {@link #check} runs them in that order.
 */
final class FaultChecks {

    /** Every check's result, and what settling found. */
    record Results(Settled settled, Uploads uploads, AnchorCheck.Anchors anchors, Bookings bookings, Mails mails,
            Consents consents) {
    }

    /** Acknowledged uploads lost or listed more than once; records stored by a try without a 201. */
    record Uploads(long lost, long duplicated, long storedUnacknowledged, List<String> problems) {
    }

    /** Acknowledged bookings not BOOKED, appointments beyond the first on a slot, BOOKED ones without a 201. */
    record Bookings(long lost, long duplicated, long bookedUnacknowledged) {
    }

    /** Mails expected, missing and arrived once too often, per recipient and subject. */
    record Mails(long expected, long lost, long duplicated, List<String> problems) {
    }

    /**
     * Grants and revocations tried and acknowledged (202); acknowledged ones not in the state meant, consents
     * whose state differs from the chain's, consents beyond the first for one patient, grantee and scope.
     */
    record Consents(long attempted, long acknowledged, long lost, long differs, long duplicated,
            List<String> problems) {
    }

    private final FaultStack stack;
    private final RunLog log;
    private final String run;
    private final FaultParties parties;
    private final FaultLoad load;

    FaultChecks(FaultStack stack, RunLog log, String run, FaultParties parties, FaultLoad load) {
        this.stack = stack;
        this.log = log;
        this.run = run;
        this.parties = parties;
        this.load = load;
    }

    Results check(Settled settled) {
        Uploads uploads = uploads();
        AnchorCheck.Anchors anchors = new AnchorCheck(stack, load).check(settled.proofs());
        Bookings bookings = bookings();
        Mails mails = mails(settled.expectedMail(), settled.seenMail());
        Consents consents = consents();
        return new Results(settled, uploads, anchors, bookings, mails, consents);
    }

    /** 2. Uploads: readable byte for byte; the patient's list holds each title once. */
    private Uploads uploads() {
        long uploadLost = 0;
        long uploadDuplicated = 0;
        long storedUnacknowledged = 0;
        List<String> lostUploads = new ArrayList<>();
        Map<String, Integer> titles = new HashMap<>();
        for (Party patient : parties.patients) {
            for (JsonNode record : stack.all("/api/records?patientId=" + patient.id, patient)) {
                titles.merge(record.path("title").asText(), 1, Integer::sum);
            }
        }
        for (Upload upload : load.acknowledged.values()) {
            Answer content = stack.get("/api/records/" + upload.recordId() + "/content", upload.patient());
            boolean readable = content.status() == 200 && Arrays.equals(content.body(), upload.content());
            if (!readable || !titles.containsKey(upload.title())) {
                uploadLost++;
                lostUploads.add(upload.recordId() + " (content " + content.status() + ", listed "
                        + titles.containsKey(upload.title()) + ")");
            }
        }
        for (Map.Entry<String, Integer> title : titles.entrySet()) {
            if (title.getKey().startsWith("fault " + run + " ") && title.getValue() > 1) {
                uploadDuplicated += title.getValue() - 1;
                log.note("upload title listed " + title.getValue() + " times: " + title.getKey());
            }
        }
        for (String title : load.unacknowledgedTitles) {
            if (titles.containsKey(title)) {
                storedUnacknowledged++;
            }
        }
        return new Uploads(uploadLost, uploadDuplicated, storedUnacknowledged, lostUploads);
    }

    /** 4. Bookings: every 201 is a BOOKED appointment of that patient; no slot holds two. */
    private Bookings bookings() {
        Map<String, String[]> appointments = parties.appointments();
        Map<String, Integer> perSlot = new HashMap<>();
        for (String[] appointment : appointments.values()) {
            perSlot.merge(appointment[0], 1, Integer::sum);
        }
        long bookingLost = 0;
        for (String appointmentId : load.booked.values()) {
            if (!appointments.containsKey(appointmentId)) {
                bookingLost++;
                log.note("acknowledged appointment " + appointmentId + " is not BOOKED in the patient's list");
            }
        }
        long bookingDuplicated = perSlot.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();
        long bookedUnacknowledged = appointments.size() - load.booked.size();
        return new Bookings(bookingLost, bookingDuplicated, bookedUnacknowledged);
    }

    /** 5. Mails: per recipient and subject, exactly what the platform's state calls for. */
    private Mails mails(Map<String, Map<String, Integer>> expectedMail, Map<String, Map<String, Integer>> seenMail) {
        long mailLost = 0;
        long mailDuplicated = 0;
        long mailExpected = 0;
        List<String> mailProblems = new ArrayList<>();
        for (Party party : parties.all()) {
            Map<String, Integer> want = expectedMail.getOrDefault(party.email, Map.of());
            Map<String, Integer> got = seenMail.getOrDefault(party.email, Map.of());
            for (String subject : union(want.keySet(), got.keySet())) {
                int w = want.getOrDefault(subject, 0);
                int g = got.getOrDefault(subject, 0);
                mailExpected += w;
                if (g < w) {
                    mailLost += w - g;
                } else if (g > w) {
                    mailDuplicated += g - w;
                }
                if (g != w) {
                    mailProblems.add(party.email + " '" + subject + "': expected " + w + ", arrived " + g);
                }
            }
        }
        return new Mails(mailExpected, mailLost, mailDuplicated, mailProblems);
    }

    /** 6. Consents: the intended end state, and the chain agrees with consent-service. */
    private Consents consents() {
        long consentAttempted = 0;
        long consentAcknowledged = 0;
        long consentLost = 0;
        long consentDiffers = 0;
        List<String> consentProblems = new ArrayList<>();
        Map<String, String[]> chainIds = new HashMap<>();
        for (String[] row : stack.query("SELECT LOWER(HEX(consent_id)), patient_chain_id, grantee_chain_id, scope_hash"
                + " FROM ehr_consent.consent")) {
            chainIds.put(row[0], row);
        }
        String registry = stack.contract("EHR_CONTRACTS_CONSENT_REGISTRY");
        Map<String, Integer> perScope = new HashMap<>();
        for (Party patient : parties.patients) {
            for (JsonNode consent : stack.all("/api/consents?patientId=" + patient.id, patient)) {
                if (!consent.path("purpose").asText().equals("fault run " + run)) {
                    continue;
                }
                String status = consent.path("status").asText();
                String id = consent.get("consentId").asText();
                if (!status.equals("FAILED")) {
                    perScope.merge(patient.id + " " + consent.path("granteeId").asText() + " "
                            + consent.path("scopeHash").asText(), 1, Integer::sum);
                }
                String[] ids = chainIds.get(id.replace("-", ""));
                boolean permitted = ids != null
                        && stack.call(registry, "isPermitted(bytes32,bytes32,bytes32)", ids[1], ids[2], ids[3])
                                .endsWith("1");
                boolean agrees = status.equals("ACTIVE") ? permitted
                        : (status.equals("REVOKED") || status.equals("FAILED") || status.equals("EXPIRED"))
                                && !permitted;
                if (!agrees) {
                    consentDiffers++;
                    consentProblems.add(id + ": consent-service " + status + ", chain isPermitted " + permitted);
                }
            }
        }
        for (Grant grant : parties.grants) {
            consentAttempted += grant.revoke ? 2 : 1;
            Answer state = grant.consentId == null ? null
                    : stack.get("/api/consents/" + grant.consentId, grant.patient);
            String status = state == null || state.status() != 200 ? "?" : state.json().path("status").asText();
            if (grant.consentId != null) {
                consentAcknowledged++;
                String want = grant.revokeAcknowledged ? "REVOKED" : "ACTIVE";
                if (!status.equals(want)) {
                    consentLost++;
                    consentProblems.add(grant.consentId + ": acknowledged, meant to end " + want + ", is " + status);
                }
            }
            if (grant.revokeAcknowledged) {
                consentAcknowledged++;
            }
            if (grant.revokeProblem != null) {
                consentProblems.add("grant " + grant.index + " (" + grant.consentId + "): " + grant.revokeProblem);
            }
        }
        long consentDuplicated = perScope.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();
        return new Consents(consentAttempted, consentAcknowledged, consentLost, consentDiffers, consentDuplicated,
                consentProblems);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }
}
