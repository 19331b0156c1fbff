package health.ehr.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.ehr.support.testing.LocalStack;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * notification-service stopped while it is mailing a burst of bookings, then started again.
 * <ul>
 * <li>Stopped gracefully (SIGTERM, through {@code deploy/local/platform down}, as Kubernetes stops a
 * pod on a rollout): every mail arrives exactly once — the mails in flight finish and are recorded,
 * the claimed rest are given back and sent at once by the restarted service.</li>
 * <li>Killed (SIGKILL, through {@code deploy/local/platform kill}, as a crash): every mail arrives and
 * no booking is mailed twice as two different messages. The only copy a crash can cause is a resend of
 * a mail the SMTP server had accepted just before the kill, before its SENT was committed (SMTP has no
 * way to ask the server, RFC 1047); such a copy carries the same Message-ID, so it is the same message
 * — the test counts those separately and bounds them by the mails in flight at once.</li>
 * </ul>
 */
class NotificationCrashIT {

    private static final String SUBJECT = "EHR Exchange: An appointment was booked";
    private static final int BOOKINGS = 40;
    /** notification.send-concurrency: the most mails in flight, so the most a crash can leave unconfirmed. */
    private static final int IN_FLIGHT = 8;

    @Test
    void aNotificationServiceStoppedGracefullyMidBurstMailsEveryBookingExactlyOnce() throws Exception {
        int resent = stopMidBurstAndRestart("down", Duration.ofSeconds(60));
        assertEquals(0, resent, "a graceful stop repeats no mail");
    }

    @Test
    void aKilledNotificationServiceLosesNoMailAndSendsNoBookingTwice() throws Exception {
        // After a kill, the mails it had claimed wait for their lease (notification.lease, 2 min) to end.
        int resent = stopMidBurstAndRestart("kill", Duration.ofSeconds(180));
        assertTrue(resent <= IN_FLIGHT, "at most the mails in flight at the kill are resent, were " + resent);
    }

    /**
     * Books {@link #BOOKINGS} appointments, stops the service with {@code deploy/local/platform <how>} as
     * soon as the first mail is in, starts it again and waits for every mail: one message per booking and
     * party. Returns the copies beyond the first of a message (same Message-ID).
     */
    private static int stopMidBurstAndRestart(String how, Duration allMailsWithin) throws Exception {
        LocalStack.ensureService("notification-service");
        LocalStack.Party doctor = LocalStack.registerPractitioner();
        LocalStack.Party patient = LocalStack.registerPatient();
        // Forty days ahead (plus a day per run, so the two tests' slots differ): no reminder mixes in.
        Instant from = Instant.now().plus("kill".equals(how) ? 40 : 41, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
        Api.bookAll(patient.token(), Api.publishSlots(doctor.token(), from, BOOKINGS));

        // Stop it mid-burst: as soon as the first of the 80 mails is in.
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (copies(doctor.email()).isEmpty() && copies(patient.email()).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "no booking mail arrived before the stop");
            Thread.sleep(20);
        }
        platform(how, "notification-service");
        int beforeRestart = total(copies(doctor.email())) + total(copies(patient.email()));
        System.out.printf("notification-service stopped (%s) with %d of %d mails accepted by the SMTP server%n",
                how, beforeRestart, 2 * BOOKINGS);
        Thread.sleep(2000);
        platform("up", "notification-service");

        deadline = System.nanoTime() + allMailsWithin.toNanos();
        while (copies(doctor.email()).size() < BOOKINGS || copies(patient.email()).size() < BOOKINGS) {
            assertTrue(System.nanoTime() < deadline, "mails missing " + allMailsWithin.toSeconds()
                    + " s after the restart: practitioner " + copies(doctor.email()).size() + ", patient "
                    + copies(patient.email()).size() + " of " + BOOKINGS);
            Thread.sleep(250);
        }
        Thread.sleep(3000); // anything still to come would come now
        Map<String, Integer> doctorMails = copies(doctor.email());
        Map<String, Integer> patientMails = copies(patient.email());
        int resent = total(doctorMails) - doctorMails.size() + total(patientMails) - patientMails.size();
        System.out.printf("after the restart (%s): practitioner %d messages, patient %d messages, %d resent copies"
                + " (same Message-ID)%n", how, doctorMails.size(), patientMails.size(), resent);
        assertEquals(BOOKINGS, doctorMails.size(), "one booking mail per appointment for the practitioner");
        assertEquals(BOOKINGS, patientMails.size(), "one booking mail per appointment for the patient");
        return resent;
    }

    /** Booking mails in the party's inbox: Message-ID → copies. */
    private static Map<String, Integer> copies(String email) throws Exception {
        return Api.copies(email, SUBJECT);
    }

    private static int total(Map<String, Integer> copies) {
        return copies.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static void platform(String... args) throws Exception {
        Api.platform(args);
    }
}
