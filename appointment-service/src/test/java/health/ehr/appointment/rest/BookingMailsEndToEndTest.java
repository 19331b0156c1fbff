package health.ehr.appointment.rest;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.ehr.appointment.testing.Parties;
import health.ehr.appointment.testing.Parties.Party;
import health.ehr.support.testing.LocalStack;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.File;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The whole path: identity-service registers both parties (PatientRegistered/PractitionerRegistered
 * on Kafka), this service books (AppointmentBooked through the outbox), the running
 * notification-service (started through deploy/local/platform when it is not up) mails both parties,
 * and both mails arrive in GreenMail.
 */
@QuarkusTest
class BookingMailsEndToEndTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUBJECT = "EHR Exchange: An appointment was booked";

    @Test
    void aBookingReachesBothPartiesInboxes() throws Exception {
        ensureNotificationService();
        Party doc = Parties.practitioner("e2e-doc");
        Party patient = Parties.patient("e2e-patient");
        Instant start = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
        String slot = given().auth().oauth2(doc.token()).contentType(ContentType.JSON)
                .body(Map.of("start", start.toString(), "end", start.plus(30, ChronoUnit.MINUTES).toString()))
                .post("/api/appointments/slots").then().statusCode(201).extract().path("items[0].slotId");
        given().auth().oauth2(patient.token()).contentType(ContentType.JSON)
                .body(Map.of("slotId", slot, "reason", "private symptoms")).post("/api/appointments")
                .then().statusCode(201);
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline
                && !(hasMail(patient.email()) && hasMail(doc.email()))) {
            Thread.sleep(250);
        }
        assertTrue(hasMail(patient.email()), "the patient's booking mail arrived");
        assertTrue(hasMail(doc.email()), "the practitioner's booking mail arrived");
        assertTrue(!mime(patient.email()).contains("private symptoms"), "no reason in the mail");
    }

    static boolean hasMail(String email) throws Exception {
        JsonNode inbox = inbox(email);
        if (inbox == null) {
            return false;
        }
        for (JsonNode m : inbox) {
            if (SUBJECT.equals(m.path("subject").asText())) {
                return true;
            }
        }
        return false;
    }

    static String mime(String email) throws Exception {
        JsonNode inbox = inbox(email);
        return inbox == null ? "" : inbox.toString();
    }

    static JsonNode inbox(String email) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                        + LocalStack.env("EHR_MAIL_API_PORT", "8025") + "/api/user/"
                        + URLEncoder.encode(email, StandardCharsets.UTF_8) + "/messages/INBOX")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    }

    static void ensureNotificationService() throws Exception {
        String ready = LocalStack.serviceUrl("EHR_NOTIFICATION_PORT", 8085) + "/q/health/ready";
        if (isReady(ready)) {
            return;
        }
        File root = new File(System.getProperty("user.dir")).getParentFile();
        Process up = new ProcessBuilder(new File(root, "deploy/local/platform").getPath(), "up", "notification-service")
                .directory(root).inheritIO().start();
        if (!up.waitFor(10, TimeUnit.MINUTES) || up.exitValue() != 0) {
            throw new IllegalStateException("deploy/local/platform up notification-service failed");
        }
        long deadline = System.currentTimeMillis() + 120_000;
        while (!isReady(ready) && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
        }
    }

    static boolean isReady(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }
}
