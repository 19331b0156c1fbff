package health.ehr.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.ehr.support.testing.LocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/**
 * Booking through the gateway: identity-service announces both parties, appointment-service books
 * (AppointmentBooked through its outbox), notification-service mails both, and exactly one mail each
 * arrives in the SMTP sink, with nothing of the patient's reason in it. A second patient gets 409.
 * An appointment inside the reminder lead gets exactly one reminder mail (appointment-service's
 * reminder job, then notification-service at the patient's lead); cancelling it mails both parties
 * and frees the slot for someone else.
 */
class BookingMailsIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GATEWAY = LocalStack.gatewayUrl();
    private static final String SUBJECT = "EHR Exchange: An appointment was booked";
    private static final String REMINDER = "EHR Exchange: Reminder: you have an appointment";
    private static final String CANCELLED = "EHR Exchange: An appointment was cancelled";

    @Test
    void aBookingMailsBothPartiesOnceAndASecondPatientGets409() throws Exception {
        LocalStack.Party doctor = LocalStack.registerPractitioner();
        LocalStack.Party patient = LocalStack.registerPatient();
        LocalStack.Party latecomer = LocalStack.registerPatient();
        Instant start = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);

        HttpResponse<String> slots = post("/api/appointments/slots", doctor.token(),
                "{\"start\":\"" + start + "\",\"end\":\"" + start.plus(30, ChronoUnit.MINUTES) + "\"}");
        assertEquals(201, slots.statusCode(), slots.body());
        String slotId = JSON.readTree(slots.body()).get("items").get(0).get("slotId").asText();

        String booking = "{\"slotId\":\"" + slotId + "\",\"reason\":\"private symptoms\"}";
        HttpResponse<String> booked = post("/api/appointments", patient.token(), booking);
        assertEquals(201, booked.statusCode(), booked.body());
        assertEquals("BOOKED", JSON.readTree(booked.body()).get("status").asText());
        HttpResponse<String> taken = post("/api/appointments", latecomer.token(), booking);
        assertEquals(409, taken.statusCode(), taken.body());

        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline && (mails(patient.email()) == 0 || mails(doctor.email()) == 0)) {
            Thread.sleep(250);
        }
        assertEquals(1, mails(patient.email()), "the patient's booking mail arrived once");
        assertEquals(1, mails(doctor.email()), "the practitioner's booking mail arrived once");
        assertFalse(inbox(patient.email()).toString().contains("private symptoms"), "no medical content in mail");
        assertTrue(mails(latecomer.email()) == 0, "nothing for the patient who did not book");
    }

    @Test
    void anAppointmentInsideTheLeadIsRemindedOnceAndCancellingFreesTheSlot() throws Exception {
        LocalStack.Party doctor = LocalStack.registerPractitioner();
        LocalStack.Party patient = LocalStack.registerPatient();
        LocalStack.Party next = LocalStack.registerPatient();
        // Two hours ahead: inside the default 24-hour lead, so the reminder is due at once.
        Instant start = Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
        HttpResponse<String> slots = post("/api/appointments/slots", doctor.token(),
                "{\"start\":\"" + start + "\",\"end\":\"" + start.plus(20, ChronoUnit.MINUTES) + "\"}");
        assertEquals(201, slots.statusCode(), slots.body());
        String slotId = JSON.readTree(slots.body()).get("items").get(0).get("slotId").asText();
        HttpResponse<String> booked = post("/api/appointments", patient.token(),
                "{\"slotId\":\"" + slotId + "\",\"reason\":\"check-up\"}");
        assertEquals(201, booked.statusCode(), booked.body());
        String appointmentId = JSON.readTree(booked.body()).get("appointmentId").asText();

        // appointment-service's reminder job runs every 30 s on the local stack.
        awaitMail(patient.email(), REMINDER, Duration.ofSeconds(90));
        Thread.sleep(3000); // a second reminder would be sent as fast as the first
        assertEquals(1, mails(patient.email(), REMINDER), "the reminder arrived exactly once");
        assertEquals(0, mails(doctor.email(), REMINDER), "reminders go to the patient");

        assertFalse(freeSlots(doctor, start).contains(slotId), "a booked slot is not offered");
        HttpResponse<String> cancelled = post("/api/appointments/" + appointmentId + "/cancel", patient.token(),
                "{\"reason\":\"cannot come\"}");
        assertEquals(200, cancelled.statusCode(), cancelled.body());
        assertEquals("CANCELLED", JSON.readTree(cancelled.body()).get("status").asText());
        assertTrue(freeSlots(doctor, start).contains(slotId), "cancelling frees the slot");
        awaitMail(patient.email(), CANCELLED, Duration.ofSeconds(60));
        awaitMail(doctor.email(), CANCELLED, Duration.ofSeconds(60));
        assertEquals(201, post("/api/appointments", next.token(),
                "{\"slotId\":\"" + slotId + "\",\"reason\":\"check-up\"}").statusCode(),
                "another patient books the freed slot");
    }

    private static String freeSlots(LocalStack.Party doctor, Instant around) throws Exception {
        String query = "?practitionerId=" + doctor.id() + "&from=" + around.minus(1, ChronoUnit.HOURS)
                + "&to=" + around.plus(1, ChronoUnit.HOURS);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(GATEWAY
                        + "/api/appointments/slots" + query)).header("Authorization", "Bearer " + doctor.token())
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private static HttpResponse<String> post(String path, String token, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(GATEWAY + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long mails(String email) throws Exception {
        return Api.mails(email, SUBJECT);
    }

    private static long mails(String email, String subject) throws Exception {
        return Api.mails(email, subject);
    }

    private static JsonNode inbox(String email) throws Exception {
        return Api.inbox(email);
    }

    private static void awaitMail(String email, String subject, Duration timeout) throws Exception {
        Api.awaitMail(email, subject, timeout);
    }
}
