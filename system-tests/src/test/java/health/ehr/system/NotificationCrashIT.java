package health.ehr.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import health.ehr.support.testing.LocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * notification-service killed (SIGKILL, through {@code deploy/local/platform kill}) while it is
 * mailing a burst of bookings, then started again: every expected mail arrives, none is lost, and
 * no booking is mailed twice as two different messages. The only copy a crash can cause is a resend
 * of a mail the SMTP server had accepted just before the kill, before its SENT was committed (the
 * service's documented resend window); such a copy carries the same Message-ID, so it is the same
 * message — the test counts those separately and bounds them by the mails in flight at once.
 */
class NotificationCrashIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GATEWAY = LocalStack.gatewayUrl();
    private static final String SUBJECT = "EHR Exchange: An appointment was booked";
    private static final int BOOKINGS = 40;
    /** notification.send-concurrency: the most mails in flight, so the most a crash can leave unconfirmed. */
    private static final int IN_FLIGHT = 8;

    @Test
    void aKilledNotificationServiceLosesNoMailAndSendsNoBookingTwice() throws Exception {
        LocalStack.ensureService("notification-service");
        LocalStack.Party doctor = LocalStack.registerPractitioner();
        LocalStack.Party patient = LocalStack.registerPatient();
        // Forty days ahead: no reminder (24-hour lead) mixes into the count.
        Instant from = Instant.now().plus(40, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
        HttpResponse<String> slots = send("POST", "/api/appointments/slots", doctor.token(),
                "{\"from\":\"" + from + "\",\"to\":\"" + from.plus(BOOKINGS * 15L, ChronoUnit.MINUTES)
                        + "\",\"durationMinutes\":15}");
        assertEquals(201, slots.statusCode(), slots.body());
        List<String> slotIds = new ArrayList<>();
        JSON.readTree(slots.body()).get("items").forEach(slot -> slotIds.add(slot.get("slotId").asText()));
        assertEquals(BOOKINGS, slotIds.size());
        for (String slotId : slotIds) {
            HttpResponse<String> booked = send("POST", "/api/appointments", patient.token(),
                    "{\"slotId\":\"" + slotId + "\",\"reason\":\"follow-up\"}");
            assertEquals(201, booked.statusCode(), booked.body());
        }

        // Kill it mid-burst: as soon as the first of the 80 mails is in.
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (copies(doctor.email()).isEmpty() && copies(patient.email()).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "no booking mail arrived before the kill");
            Thread.sleep(20);
        }
        platform("kill", "notification-service");
        int beforeRestart = total(copies(doctor.email())) + total(copies(patient.email()));
        System.out.printf("notification-service killed with %d of %d mails accepted by the SMTP server%n",
                beforeRestart, 2 * BOOKINGS);
        Thread.sleep(2000);
        platform("up", "notification-service");

        deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (copies(doctor.email()).size() < BOOKINGS || copies(patient.email()).size() < BOOKINGS) {
            assertTrue(System.nanoTime() < deadline, "mails missing 120 s after the restart: practitioner "
                    + copies(doctor.email()).size() + ", patient " + copies(patient.email()).size() + " of " + BOOKINGS);
            Thread.sleep(250);
        }
        Thread.sleep(3000); // anything still to come would come now
        Map<String, Integer> doctorMails = copies(doctor.email());
        Map<String, Integer> patientMails = copies(patient.email());
        int resent = total(doctorMails) - doctorMails.size() + total(patientMails) - patientMails.size();
        System.out.printf("after the restart: practitioner %d messages, patient %d messages, %d resent copies"
                + " (same Message-ID) from the crash window%n", doctorMails.size(), patientMails.size(), resent);
        assertEquals(BOOKINGS, doctorMails.size(), "one booking mail per appointment for the practitioner");
        assertEquals(BOOKINGS, patientMails.size(), "one booking mail per appointment for the patient");
        assertTrue(resent <= IN_FLIGHT, "at most the mails in flight at the kill are resent, were " + resent);
    }

    /** Booking mails in the party's inbox: Message-ID → copies. */
    private static Map<String, Integer> copies(String email) throws Exception {
        return Api.copies(email, SUBJECT);
    }

    private static int total(Map<String, Integer> copies) {
        return copies.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static HttpResponse<String> send(String method, String path, String token, String json)
            throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(GATEWAY + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void platform(String... args) throws Exception {
        Api.platform(args);
    }
}
