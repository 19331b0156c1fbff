package health.ehr.notification.rest;

import static health.ehr.notification.testing.Mailbox.await;
import static health.ehr.notification.testing.Mailbox.awaitMails;
import static health.ehr.notification.testing.Mailbox.inbox;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.ehr.events.CloudEvent;
import health.ehr.events.appointments.AppointmentBooked;
import health.ehr.events.consent.ConsentGranted;
import health.ehr.events.consent.ConsentScope;
import health.ehr.events.records.EmergencyAccessUsed;
import health.ehr.events.records.RecordStored;
import health.ehr.notification.Delivery;
import health.ehr.notification.repository.DeliveryRepository;
import health.ehr.notification.repository.RecipientRepository;
import health.ehr.notification.testing.Events;
import health.ehr.notification.testing.Mailbox;
import health.ehr.support.testing.LocalStack;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class NotificationFlowTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    DeliveryRepository deliveries;
    @Inject
    RecipientRepository recipients;

    static AppointmentBooked booking(UUID patient, UUID practitioner) {
        Instant start = Instant.now().plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MINUTES);
        return new AppointmentBooked(UUID.randomUUID(), UUID.randomUUID(), patient, practitioner, start,
                start.plus(30, ChronoUnit.MINUTES));
    }

    List<Delivery> deliveriesOf(String eventId) {
        return QuarkusTransaction.requiringNew().call(() -> deliveries.list("eventId", eventId));
    }

    @Test
    void aBookingMailsBothPartiesWithoutMedicalContent() {
        String patientMail = LocalStack.uniqueEmail("booked-patient");
        String doctorMail = LocalStack.uniqueEmail("booked-doctor");
        UUID patient = Events.patient(patientMail);
        UUID doctor = Events.practitioner(doctorMail);
        Events.publish("/appointment-service", booking(patient, doctor));

        var toPatient = awaitMails(patientMail, 1, WAIT);
        var toDoctor = awaitMails(doctorMail, 1, WAIT);
        assertEquals(1, toPatient.size());
        assertEquals(1, toDoctor.size());
        assertEquals("EHR Exchange: An appointment was booked", toPatient.get(0).subject());
        String mime = toPatient.get(0).mime();
        assertTrue(mime.contains("text/html") && mime.contains("text/plain"), "HTML and plain text parts");
        assertTrue(mime.contains("EHR Exchange"));
        assertFalse(mime.contains("checkup"));
    }

    @Test
    void aRedeliveredEventSendsOneMail() {
        String mail = LocalStack.uniqueEmail("twice");
        UUID patient = Events.patient(mail);
        CloudEvent<EmergencyAccessUsed> event = Events.event("/records-service", new EmergencyAccessUsed(
                UUID.randomUUID(), patient, UUID.randomUUID(), Instant.now().plus(1, ChronoUnit.HOURS), Instant.now()));
        Events.send(event);
        Events.send(event);
        awaitMails(mail, 1, WAIT);
        await(() -> deliveriesOf(event.id()).stream().allMatch(d -> d.status == Delivery.Status.SENT),
                WAIT, "the delivery to be SENT");
        // Both copies have been consumed by now (same partition, in order); give the sender a few rounds anyway.
        sleep(3000);
        assertEquals(1, inbox(mail).size());
        assertEquals(1, deliveriesOf(event.id()).size());
    }

    @Test
    void optedOutPartiesGetNoBookingMailButStillGetEmergencyMail() {
        LocalStack.Party patient = LocalStack.registerPatient("optout");
        given().auth().oauth2(patient.token()).contentType(ContentType.JSON)
                .body(Map.of("emailEnabled", false, "reminderLeadHours", 2))
                .put("/api/notifications/preferences")
                .then().statusCode(200).body("emailEnabled", equalTo(false)).body("reminderLeadHours", equalTo(2));

        String doctorMail = LocalStack.uniqueEmail("optout-doctor");
        UUID doctor = Events.practitioner(doctorMail);
        CloudEvent<AppointmentBooked> booked = Events.publish("/appointment-service", booking(patient.id(), doctor));
        awaitMails(doctorMail, 1, WAIT);
        CloudEvent<EmergencyAccessUsed> emergency = Events.publish("/records-service", new EmergencyAccessUsed(
                UUID.randomUUID(), patient.id(), doctor, Instant.now().plus(1, ChronoUnit.HOURS), Instant.now()));
        List<Mailbox.Message> got = awaitMails(patient.email(), 1, WAIT);
        sleep(2000);
        got = inbox(patient.email());
        assertEquals(1, got.size());
        assertEquals("EHR Exchange: Your records were opened with emergency access", got.get(0).subject());

        given().auth().oauth2(patient.token()).get("/api/notifications")
                .then().statusCode(200)
                .body("items.eventId", hasItems(booked.id(), emergency.id()))
                .body("items.find { it.eventId == '" + booked.id() + "' }.status", equalTo("SKIPPED"))
                .body("items.find { it.eventId == '" + emergency.id() + "' }.status", equalTo("SENT"))
                .body("items.find { it.eventId == '" + emergency.id() + "' }.recipient", equalTo(patient.email()))
                .body("items.find { it.eventId == '" + emergency.id() + "' }.template", equalTo("emergency-access"))
                .body("items.find { it.eventId == '" + emergency.id() + "' }.attempts", equalTo(1))
                .body("items.find { it.eventId == '" + emergency.id() + "' }.notificationId",
                        org.hamcrest.Matchers.notNullValue())
                .body("items.find { it.eventId == '" + emergency.id() + "' }.sentAt",
                        org.hamcrest.Matchers.notNullValue())
                // The practitioner's mail is not the patient's business.
                .body("items.recipient", org.hamcrest.Matchers.not(hasItem(doctorMail)));
    }

    @Test
    void anUnknownRecipientIsLookedUpAtIdentityService() {
        LocalStack.Party patient = LocalStack.registerPatient("lookup");
        // identity-service's own PatientRegistered arrives through Kafka; forget it again, so the
        // address has to come from the internal parties API.
        await(() -> QuarkusTransaction.requiringNew().call(() -> recipients.findById(patient.id()) != null),
                WAIT, "the PatientRegistered event of identity-service");
        QuarkusTransaction.requiringNew().run(() -> recipients.deleteById(patient.id()));
        Events.publish("/records-service", new RecordStored(UUID.randomUUID(), patient.id(), UUID.randomUUID(),
                "0x" + "00".repeat(32), 10, "lab", Instant.now()));
        var got = awaitMails(patient.email(), 1, WAIT);
        assertEquals("EHR Exchange: A new record is available to you", got.get(0).subject());
        assertTrue(QuarkusTransaction.requiringNew().call(() -> recipients.findById(patient.id()) != null));
    }

    @Test
    void aRecordThePatientStoredThemselvesIsNotMailed() {
        String mail = LocalStack.uniqueEmail("self-stored");
        UUID patient = Events.patient(mail);
        CloudEvent<RecordStored> own = Events.publish("/records-service", new RecordStored(UUID.randomUUID(), patient,
                patient, "0x" + "00".repeat(32), 10, "lab", Instant.now()));
        // A marker event after it on the same partition: once its mail is there, the first was consumed.
        Events.publish("/records-service", new EmergencyAccessUsed(UUID.randomUUID(), patient, UUID.randomUUID(),
                Instant.now(), Instant.now()));
        awaitMails(mail, 1, WAIT);
        assertEquals(0, deliveriesOf(own.id()).size());
    }

    /**
     * A consent naming a practitioner of another installation (issue 17) mails the patient only: that
     * practitioner is unknown here (a mail to them could only fail), and their installation tells them.
     */
    @Test
    void aConsentForAPartyOfAnotherInstallationMailsOnlyThePatient() {
        String mail = LocalStack.uniqueEmail("remote-grant");
        UUID patient = Events.patient(mail);
        CloudEvent<ConsentGranted> granted = Events.publish("/consent-service", new ConsentGranted(UUID.randomUUID(),
                patient, UUID.randomUUID(), ConsentScope.everything(), Instant.now().plus(30, ChronoUnit.DAYS),
                "0x" + "ab".repeat(32), 7L, "0x" + "cd".repeat(32)));
        awaitMails(mail, 1, WAIT);
        List<Delivery> planned = deliveriesOf(granted.id());
        assertEquals(1, planned.size(), "deliveries of the grant: " + planned.size());
        assertEquals(patient, planned.get(0).partyId);
    }

    @Test
    void adminSeesEveryonesDeliveriesAndOthersOnlyTheirOwn() {
        String admin = LocalStack.userToken(LocalStack.ADMIN_EMAIL, LocalStack.ADMIN_PASSWORD);
        String mail = LocalStack.uniqueEmail("seen-by-admin");
        UUID patient = Events.patient(mail);
        CloudEvent<EmergencyAccessUsed> e = Events.publish("/records-service", new EmergencyAccessUsed(
                UUID.randomUUID(), patient, UUID.randomUUID(), Instant.now(), Instant.now()));
        awaitMails(mail, 1, WAIT);
        given().auth().oauth2(admin).queryParam("size", 200).get("/api/notifications")
                .then().statusCode(200).body("total", greaterThanOrEqualTo(1)).body("items.eventId", hasItem(e.id()));
        LocalStack.Party stranger = LocalStack.registerPatient("stranger");
        given().auth().oauth2(stranger.token()).get("/api/notifications")
                .then().statusCode(200).body("total", equalTo(0));
    }

    @Test
    void every4xxOfTheApi() {
        given().get("/api/notifications").then().statusCode(401).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(Map.of("emailEnabled", true))
                .put("/api/notifications/preferences").then().statusCode(401);
        given().auth().oauth2("garbage").get("/api/notifications").then().statusCode(401);
        String token = LocalStack.userToken(LocalStack.ADMIN_EMAIL, LocalStack.ADMIN_PASSWORD);
        given().auth().oauth2(token).queryParam("size", 201).get("/api/notifications").then().statusCode(400);
        given().auth().oauth2(token).queryParam("page", -1).get("/api/notifications").then().statusCode(400);
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("reminderLeadHours", 3))
                .put("/api/notifications/preferences").then().statusCode(400)
                .body("errors.field", hasItem("emailEnabled"));
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("emailEnabled", true, "reminderLeadHours", 0))
                .put("/api/notifications/preferences").then().statusCode(400)
                .body("errors.field", hasItem("reminderLeadHours"));
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("emailEnabled", true, "reminderLeadHours", 25))
                .put("/api/notifications/preferences").then().statusCode(400);
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{nope")
                .put("/api/notifications/preferences").then().statusCode(400);
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("emailEnabled", "maybe"))
                .put("/api/notifications/preferences").then().statusCode(400);
        given().auth().oauth2(token).contentType(ContentType.TEXT).body("x")
                .put("/api/notifications/preferences").then().statusCode(415);
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("emailEnabled", true))
                .post("/api/notifications/preferences").then().statusCode(405);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
