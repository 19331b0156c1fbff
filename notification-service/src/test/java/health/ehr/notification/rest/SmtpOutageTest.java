package health.ehr.notification.rest;

import static health.ehr.notification.testing.Mailbox.await;
import static health.ehr.notification.testing.Mailbox.inbox;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import health.ehr.events.CloudEvent;
import health.ehr.events.records.EmergencyAccessUsed;
import health.ehr.notification.Delivery;
import health.ehr.notification.repository.DeliveryRepository;
import health.ehr.notification.testing.Events;
import health.ehr.notification.testing.SmtpSwitch;
import health.ehr.support.testing.LocalStack;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The mailer talks to GreenMail through a switchable forwarder; fast retries, five attempts. */
@QuarkusTest
@TestProfile(SmtpOutageTest.Outage.class)
class SmtpOutageTest {

    public static class Outage implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.mailer.port", Integer.toString(SmtpSwitch.PORT),
                    "notification.max-attempts", "5",
                    "notification.retry-base", "1s",
                    "notification.retry-max", "2s",
                    "notification.send-interval", "0.2s");
        }
    }

    static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    DeliveryRepository deliveries;

    Delivery delivery(String eventId) {
        return delivery(deliveries, eventId);
    }

    /** The delivery of the mail {@code eventId} asked for (null until there is one). */
    static Delivery delivery(DeliveryRepository deliveries, String eventId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<Delivery> d = deliveries.list("eventId", eventId);
            return d.isEmpty() ? null : d.get(0);
        });
    }

    /** An emergency access to one of {@code patient}'s records: one essential mail to the patient. */
    static CloudEvent<EmergencyAccessUsed> emergencyFor(UUID patient) {
        return Events.publish("/records-service", new EmergencyAccessUsed(UUID.randomUUID(), patient, UUID.randomUUID(),
                Instant.now(), Instant.now()));
    }

    @AfterEach
    void smtpBack() throws Exception {
        SmtpSwitch.on();
    }

    @Test
    void mailsWaitOutAnOutageAndAreDeliveredOnceWhenSmtpIsBack() throws Exception {
        SmtpSwitch.off();
        String mail = LocalStack.uniqueEmail("outage");
        UUID patient = Events.patient(mail);
        CloudEvent<EmergencyAccessUsed> event = emergencyFor(patient);
        await(() -> {
            Delivery d = delivery(event.id());
            return d != null && d.attempts >= 2 && d.status == Delivery.Status.PENDING;
        }, WAIT, "a failed attempt and a scheduled retry");
        assertEquals(0, inbox(mail).size());
        SmtpSwitch.on();
        await(() -> {
            Delivery d = delivery(event.id());
            return d != null && d.status == Delivery.Status.SENT;
        }, WAIT, "the retry to succeed");
        Thread.sleep(2000);
        assertEquals(1, inbox(mail).size());
    }

    @Test
    void aMailFailingEveryAttemptIsParkedWithItsErrorAndVisibleToAdmin() throws Exception {
        SmtpSwitch.off();
        String mail = LocalStack.uniqueEmail("parked");
        UUID patient = Events.patient(mail);
        CloudEvent<EmergencyAccessUsed> event = emergencyFor(patient);
        await(() -> {
            Delivery d = delivery(event.id());
            return d != null && d.status == Delivery.Status.PARKED;
        }, WAIT, "the mail to be parked");
        Delivery parked = delivery(event.id());
        assertEquals(5, parked.attempts);
        String admin = LocalStack.userToken(LocalStack.ADMIN_EMAIL, LocalStack.ADMIN_PASSWORD);
        given().auth().oauth2(admin).queryParam("size", 200).get("/api/notifications")
                .then().statusCode(200)
                .body("items.find { it.eventId == '" + event.id() + "' }.status", equalTo("PARKED"))
                .body("items.find { it.eventId == '" + event.id() + "' }.attempts", equalTo(5))
                .body("items.find { it.eventId == '" + event.id() + "' }.lastError", startsWith("SMTP"));
        SmtpSwitch.on();
        Thread.sleep(1500);
        assertEquals(0, inbox(mail).size());
    }
}
