package health.ehr.system.faults;

import com.fasterxml.jackson.databind.JsonNode;
import health.ehr.system.faults.FaultStack.Party;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's mail, per recipient and subject: what the platform's state calls for ({@link #expected}), what
 * GreenMail holds ({@link #seen}), and what GreenMail held just before it was stopped. GreenMail keeps mail in
 * memory only, so a stop forgets it: {@link #countBeforeGreenMailStops} counts it first and {@link #withBefore}
 * adds that count to what arrived after the restart.
 */
final class Mailboxes {

    private static final String BOOKED = "EHR Exchange: An appointment was booked";
    private static final String GRANTED = "EHR Exchange: A consent to access records is now active";
    private static final String REVOKED = "EHR Exchange: A consent to access records was revoked";

    private final FaultStack stack;
    private final RunLog log;
    private final String run;
    private final FaultParties parties;
    /** Mails counted in GreenMail before it was stopped (it keeps mail in memory only). */
    private final Map<String, Map<String, Integer>> before = new HashMap<>();

    Mailboxes(FaultStack stack, RunLog log, String run, FaultParties parties) {
        this.stack = stack;
        this.log = log;
        this.run = run;
        this.parties = parties;
    }

    /**
     * The mail the services' state calls for, per recipient and subject: a booking mail to both parties
     * of every BOOKED appointment of the run, a consent mail to both parties of every consent that became
     * ACTIVE and another when it was REVOKED. Null while a consent is still PENDING or REVOKING.
     */
    Map<String, Map<String, Integer>> expected() {
        Map<String, Map<String, Integer>> expected = new HashMap<>();
        for (String[] appointment : parties.appointments().values()) {
            add(expected, parties.byId(appointment[1]).email, BOOKED);
            add(expected, parties.byId(appointment[2]).email, BOOKED);
        }
        for (Party patient : parties.patients) {
            for (JsonNode consent : stack.all("/api/consents?patientId=" + patient.id, patient)) {
                if (!consent.path("purpose").asText().equals("fault run " + run)) {
                    continue;
                }
                String status = consent.path("status").asText();
                Party grantee = parties.byId(consent.path("granteeId").asText());
                if (status.equals("PENDING") || status.equals("REVOKING")) {
                    return null;
                }
                if (status.equals("ACTIVE") || status.equals("REVOKED")) {
                    add(expected, patient.email, GRANTED);
                    add(expected, grantee.email, GRANTED);
                }
                if (status.equals("REVOKED")) {
                    add(expected, patient.email, REVOKED);
                    add(expected, grantee.email, REVOKED);
                }
            }
        }
        return expected;
    }

    /** What GreenMail holds now for the run's parties (those with mail). */
    Map<String, Map<String, Integer>> seen() {
        Map<String, Map<String, Integer>> seen = new HashMap<>();
        for (Party party : parties.all()) {
            Map<String, Integer> inbox = stack.inbox(party.email);
            if (!inbox.isEmpty()) {
                seen.put(party.email, new HashMap<>(inbox));
            }
        }
        return seen;
    }

    /** {@code now} plus what GreenMail held before it was stopped. */
    Map<String, Map<String, Integer>> withBefore(Map<String, Map<String, Integer>> now) {
        Map<String, Map<String, Integer>> sum = new HashMap<>();
        for (Map<String, Map<String, Integer>> part : List.of(now, before)) {
            part.forEach((email, subjects) -> subjects.forEach((subject, n) -> sum
                    .computeIfAbsent(email, k -> new HashMap<>()).merge(subject, n, Integer::sum)));
        }
        return sum;
    }

    /** The count taken before GreenMail was stopped; empty when it was not stopped. */
    Map<String, Map<String, Integer>> before() {
        return before;
    }

    /**
     * Waits, until the deadline at most, for every mail the platform's state calls for so far (the load's mail
     * is paused), then counts every party's inbox: GreenMail is about to stop and forget them.
     */
    void countBeforeGreenMailStops(long deadline) throws InterruptedException {
        Map<String, Map<String, Integer>> expected = Map.of();
        Map<String, Map<String, Integer>> seen = Map.of();
        boolean settled = false;
        while (System.nanoTime() < deadline) {
            try {
                expected = expected();
                seen = seen();
                if (expected != null && covers(seen, expected)) {
                    settled = true;
                    break;
                }
            } catch (RuntimeException e) {
                log.print("before stopping GreenMail: %s", e.getMessage());
            }
            Thread.sleep(2000);
        }
        if (!settled) {
            log.note("GreenMail was stopped before every earlier mail had arrived (" + total(seen) + " of "
                    + (expected == null ? "?" : total(expected)) + " expected after 240 s); a mail accepted between the"
                    + " count and the stop is not counted");
        }
        before.clear();
        for (Party party : parties.all()) {
            before.put(party.email, stack.inbox(party.email));
        }
        log.print("counted %d mails in GreenMail before stopping it (settled: %s)", total(before), settled);
    }

    /** True when {@code seen} holds at least what {@code expected} calls for, per recipient and subject. */
    static boolean covers(Map<String, Map<String, Integer>> seen, Map<String, Map<String, Integer>> expected) {
        for (Map.Entry<String, Map<String, Integer>> entry : expected.entrySet()) {
            for (Map.Entry<String, Integer> subject : entry.getValue().entrySet()) {
                if (seen.getOrDefault(entry.getKey(), Map.of()).getOrDefault(subject.getKey(), 0)
                        < subject.getValue()) {
                    return false;
                }
            }
        }
        return true;
    }

    static long total(Map<String, Map<String, Integer>> mails) {
        return mails.values().stream().flatMap(m -> m.values().stream()).mapToLong(Integer::longValue).sum();
    }

    private static void add(Map<String, Map<String, Integer>> mails, String email, String subject) {
        mails.computeIfAbsent(email, k -> new HashMap<>()).merge(subject, 1, Integer::sum);
    }
}
