package health.ehr.system.faults;

import com.fasterxml.jackson.databind.JsonNode;
import health.ehr.system.faults.FaultLoad.Upload;
import health.ehr.system.faults.FaultStack.Answer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Waits, once the load is done, until the platform has caught up (deadline 15 min, a poll every 3 s, progress
 * every 15 s): every acknowledged upload's proof ANCHORED, every consent out of PENDING/REVOKING, every
 * expected mail in GreenMail. Then, if notification-service was killed, until 150 s after its restart (a mail
 * caught in the crash is resent when its 2-minute lease runs out), and takes the mail the checks compare.
 */
final class Settling {

    static final Duration SETTLE = Duration.ofMinutes(15);

    /**
     * What settling found: whether everything settled and when (seconds since the run started), the ANCHORED
     * proofs by upload index, the mail the platform's state calls for and the mail that arrived (with the count
     * taken before GreenMail stopped).
     */
    record Settled(boolean settled, double settledAt, Map<Integer, JsonNode> proofs,
            Map<String, Map<String, Integer>> expectedMail, Map<String, Map<String, Integer>> seenMail) {
    }

    private final FaultStack stack;
    private final RunLog log;
    private final FaultSchedule schedule;
    private final FaultLoad load;
    private final Mailboxes mail;

    Settling(FaultStack stack, RunLog log, FaultSchedule schedule, FaultLoad load, Mailboxes mail) {
        this.stack = stack;
        this.log = log;
        this.schedule = schedule;
        this.load = load;
        this.mail = mail;
    }

    Settled settle(double loadEnd) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        // 1. Every acknowledged upload anchored (its proof says so), every consent out of PENDING/REVOKING,
        //    every expected mail there.
        Map<Integer, JsonNode> proofs = new ConcurrentHashMap<>();
        Map<String, Map<String, Integer>> expectedMail = null;
        Map<String, Map<String, Integer>> seenMail = null;
        boolean settled = false;
        long nextLog = 0;
        while (System.nanoTime() < deadline) {
            for (Upload upload : load.acknowledged.values()) {
                if (!proofs.containsKey(upload.index())) {
                    Answer answer = stack.get("/api/records/" + upload.recordId() + "/proof", upload.patient());
                    if (answer.status() == 200 && "ANCHORED".equals(answer.json().path("status").asText())) {
                        proofs.put(upload.index(), answer.json());
                    }
                }
            }
            try {
                expectedMail = mail.expected();
                seenMail = mail.withBefore(mail.seen());
            } catch (RuntimeException e) {
                expectedMail = null;
                log.print("settling: %s", e.getMessage());
            }
            boolean mailDone = expectedMail != null && Mailboxes.covers(seenMail, expectedMail);
            if (System.nanoTime() > nextLog) {
                log.print("settling: %d of %d acknowledged uploads anchored, consents settled: %s, mails %d of %d"
                        + " expected; load %s", proofs.size(), load.acknowledged.size(), expectedMail != null,
                        seenMail == null ? 0 : Mailboxes.total(seenMail),
                        expectedMail == null ? -1 : Mailboxes.total(expectedMail), FaultStack.loadAverage());
                nextLog = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            }
            if (proofs.size() == load.acknowledged.size() && mailDone) {
                settled = true;
                break;
            }
            Thread.sleep(3000);
        }
        double settledAt = log.seconds();
        // A mail sent twice (the sender's resend window after a crash) comes when a 2-minute lease runs
        // out: wait that long after the last fault before counting.
        double wait = schedule.timeline().stream().filter(f -> f.component().equals("notification-service"))
                .mapToDouble(f -> f.atS() + f.backS() + 150 - log.seconds()).max().orElse(0);
        if (wait > 0) {
            log.print("waiting %.0f s more, so that a mail resent after its lease ran out would arrive", wait);
            Thread.sleep((long) (wait * 1000));
        }
        Map<String, Map<String, Integer>> lastExpected = expectedMail;
        expectedMail = mail.expected();
        if (expectedMail == null) {
            log.note("a consent was still PENDING or REVOKING when the checks began");
            expectedMail = lastExpected == null ? Map.of() : lastExpected;
        }
        seenMail = mail.withBefore(mail.seen());
        log.print("checking (settled: %s after %.0f s)", settled, settledAt - loadEnd);
        return new Settled(settled, settledAt, proofs, expectedMail, seenMail);
    }
}
