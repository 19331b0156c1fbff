package health.ehr.appointment.rest;

import health.ehr.support.testing.LocalStack;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import health.ehr.appointment.Slot;
import health.ehr.appointment.repository.SlotRepository;
import health.ehr.appointment.service.ReminderJob;
import health.ehr.support.testing.LocalStack.Party;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AppointmentResourceTest {

    static Party doctor;
    static Party alice;
    static Party bob;
    static final List<Party> crowd = new ArrayList<>();

    @Inject
    SlotRepository slots;
    @Inject
    EntityManager em;
    @Inject
    ReminderJob reminders;

    @BeforeAll
    static void registerParties() {
        doctor = LocalStack.registerPractitioner("doc");
        alice = LocalStack.registerPatient("alice");
        bob = LocalStack.registerPatient("bob");
        for (int i = 0; i < 10; i++) {
            crowd.add(LocalStack.registerPatient("crowd" + i));
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** A fresh practitioner-free time window far enough ahead that no other test touches it. */
    static Instant window() {
        return Instant.now().plus(2 + (long) (Math.random() * 3000), ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
    }

    static List<String> createSlots(Party practitioner, Instant from, int count, int minutes) {
        return given().auth().oauth2(practitioner.token()).contentType(ContentType.JSON)
                .body(Map.of("from", from.toString(),
                        "to", from.plus((long) count * minutes, ChronoUnit.MINUTES).toString(),
                        "durationMinutes", minutes))
                .post("/api/appointments/slots")
                .then().statusCode(201).body("items", hasSize(count))
                .extract().jsonPath().getList("items.slotId", String.class);
    }

    static Response book(Party patient, String slotId) {
        return given().auth().oauth2(patient.token()).contentType(ContentType.JSON)
                .body(Map.of("slotId", slotId, "reason", "checkup")).post("/api/appointments");
    }

    static String bookOk(Party patient, String slotId) {
        return book(patient, slotId).then().statusCode(201).body("status", equalTo("BOOKED"))
                .body("patientId", equalTo(patient.id().toString())).extract().path("appointmentId");
    }

    long appointmentsOnSlot(String slotId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "SELECT COUNT(*) FROM appointment WHERE slot_id = UNHEX(REPLACE(?1, '-', ''))")
                .setParameter(1, slotId).getSingleResult()).longValue());
    }

    boolean slotAvailable(String slotId) {
        return QuarkusTransaction.requiringNew().call(() -> slots.findById(UUID.fromString(slotId)).available);
    }

    long outboxEvents(String type, String appointmentId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "SELECT COUNT(*) FROM outbox_event WHERE event_type = ?1 AND payload LIKE ?2")
                .setParameter(1, type).setParameter(2, "%" + appointmentId + "%").getSingleResult()).longValue());
    }

    // ---- slots ---------------------------------------------------------------------------------

    @Test
    void practitionerPublishesASeriesAndEveryoneSeesTheFreeSlots() {
        Party doc = LocalStack.registerPractitioner("series");
        Instant from = window();
        List<String> ids = createSlots(doc, from, 4, 30);
        given().auth().oauth2(alice.token())
                .queryParam("practitionerId", doc.id().toString())
                .queryParam("from", from.toString()).queryParam("to", from.plus(1, ChronoUnit.DAYS).toString())
                .get("/api/appointments/slots")
                .then().statusCode(200).body("total", equalTo(4)).body("items.slotId", equalTo(ids))
                .body("items[0].practitionerId", equalTo(doc.id().toString()))
                .body("items[0].start", equalTo(from.toString()))
                .body("items[0].end", equalTo(from.plus(30, ChronoUnit.MINUTES).toString()))
                .body("items[0].available", equalTo(true));
        String single = given().auth().oauth2(doc.token()).contentType(ContentType.JSON)
                .body(Map.of("start", from.plus(3, ChronoUnit.HOURS).toString(),
                        "end", from.plus(4, ChronoUnit.HOURS).toString()))
                .post("/api/appointments/slots").then().statusCode(201).body("items", hasSize(1))
                .extract().path("items[0].slotId");
        assertEquals(true, slotAvailable(single));
    }

    @Test
    void overlappingSlotsOfOnePractitionerAreRefused() {
        Party doc = LocalStack.registerPractitioner("overlap");
        Instant from = window();
        createSlots(doc, from, 2, 60);
        given().auth().oauth2(doc.token()).contentType(ContentType.JSON)
                .body(Map.of("start", from.plus(90, ChronoUnit.MINUTES).toString(),
                        "end", from.plus(150, ChronoUnit.MINUTES).toString()))
                .post("/api/appointments/slots").then().statusCode(409)
                .contentType("application/problem+json").body("status", equalTo(409));
        // Adjacent is fine.
        given().auth().oauth2(doc.token()).contentType(ContentType.JSON)
                .body(Map.of("start", from.plus(120, ChronoUnit.MINUTES).toString(),
                        "end", from.plus(150, ChronoUnit.MINUTES).toString()))
                .post("/api/appointments/slots").then().statusCode(201);
    }

    @Test
    void slotRequestsOutsideTheLimitsAre400() {
        Instant from = window();
        String f = from.toString();
        List<Map<String, Object>> bad = List.of(
                Map.of(),
                Map.of("start", f, "end", from.plus(1, ChronoUnit.HOURS).toString(), "durationMinutes", 30),
                Map.of("start", f, "end", f),
                Map.of("start", f, "end", from.minus(1, ChronoUnit.HOURS).toString()),
                Map.of("start", Instant.now().minus(2, ChronoUnit.HOURS).toString(),
                        "end", Instant.now().minus(1, ChronoUnit.HOURS).toString()),
                Map.of("start", f, "end", from.plus(4, ChronoUnit.MINUTES).toString()),
                Map.of("start", f, "end", from.plus(481, ChronoUnit.MINUTES).toString()),
                Map.of("from", f, "to", from.plus(1, ChronoUnit.HOURS).toString()),
                Map.of("from", f, "to", from.plus(1, ChronoUnit.HOURS).toString(), "durationMinutes", 4),
                Map.of("from", f, "to", from.plus(1, ChronoUnit.HOURS).toString(), "durationMinutes", 481),
                Map.of("from", f, "to", from.plus(10, ChronoUnit.MINUTES).toString(), "durationMinutes", 30),
                Map.of("from", f, "to", from.plus(501 * 5, ChronoUnit.MINUTES).toString(), "durationMinutes", 5),
                Map.of("start", "yesterday", "end", f));
        for (Map<String, Object> body : bad) {
            given().auth().oauth2(doctor.token()).contentType(ContentType.JSON).body(body)
                    .post("/api/appointments/slots")
                    .then().log().ifValidationFails().statusCode(400).contentType("application/problem+json");
        }
        given().auth().oauth2(doctor.token()).contentType(ContentType.JSON).body("{not json")
                .post("/api/appointments/slots").then().statusCode(400);
        given().auth().oauth2(doctor.token()).contentType(ContentType.TEXT).body("x")
                .post("/api/appointments/slots").then().statusCode(415);
        given().auth().oauth2(alice.token()).queryParam("from", "not-a-time")
                .get("/api/appointments/slots").then().statusCode(400).body("errors[0].field", equalTo("from"));
        given().auth().oauth2(alice.token()).queryParam("practitionerId", "nope")
                .get("/api/appointments/slots").then().statusCode(400);
        given().auth().oauth2(alice.token()).queryParam("from", f).queryParam("to", f)
                .get("/api/appointments/slots").then().statusCode(400);
        given().auth().oauth2(alice.token()).queryParam("size", 201)
                .get("/api/appointments/slots").then().statusCode(400);
    }

    @Test
    void everyEndpointWantsATokenAndTheRightRole() {
        String id = UUID.randomUUID().toString();
        given().get("/api/appointments/slots").then().statusCode(401).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(Map.of()).post("/api/appointments/slots").then().statusCode(401);
        given().get("/api/appointments").then().statusCode(401);
        given().contentType(ContentType.JSON).body(Map.of("slotId", id)).post("/api/appointments")
                .then().statusCode(401);
        given().contentType(ContentType.JSON).body(Map.of()).post("/api/appointments/" + id + "/cancel")
                .then().statusCode(401);
        given().contentType(ContentType.JSON).body(Map.of("slotId", id)).post("/api/appointments/" + id + "/reschedule")
                .then().statusCode(401);
        given().auth().oauth2("not.a.token").get("/api/appointments").then().statusCode(401);

        Instant from = window();
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(Map.of("start", from.toString(), "end", from.plus(30, ChronoUnit.MINUTES).toString()))
                .post("/api/appointments/slots").then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(doctor.token()).contentType(ContentType.JSON).body(Map.of("slotId", id))
                .post("/api/appointments").then().statusCode(403);
        given().auth().oauth2(doctor.token()).contentType(ContentType.JSON).body(Map.of("slotId", id))
                .post("/api/appointments/" + id + "/reschedule").then().statusCode(403);
        String admin = health.ehr.support.testing.LocalStack.userToken(
                health.ehr.support.testing.LocalStack.ADMIN_EMAIL,
                health.ehr.support.testing.LocalStack.ADMIN_PASSWORD);
        given().auth().oauth2(admin).get("/api/appointments").then().statusCode(403);
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of())
                .post("/api/appointments/" + id + "/cancel").then().statusCode(403);
    }

    // ---- booking -------------------------------------------------------------------------------

    @Test
    void bookingValidatesItsBodyAndTheSlot() {
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body(Map.of())
                .post("/api/appointments").then().statusCode(400).body("errors.field", hasItem("slotId"));
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body(Map.of("slotId", "nope"))
                .post("/api/appointments").then().statusCode(400);
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(Map.of("slotId", UUID.randomUUID().toString(), "reason", "x".repeat(1001)))
                .post("/api/appointments").then().statusCode(400).body("errors.field", hasItem("reason"));
        book(alice, UUID.randomUUID().toString()).then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void aPastSlotCannotBeBooked() {
        Slot past = new Slot();
        past.slotId = UUID.randomUUID();
        past.practitionerId = doctor.id();
        past.startAt = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MICROS);
        past.endAt = past.startAt.plus(30, ChronoUnit.MINUTES);
        past.available = true;
        past.createdAt = Instant.now();
        QuarkusTransaction.requiringNew().run(() -> slots.persist(past));
        book(alice, past.slotId.toString()).then().statusCode(409)
                .body("detail", equalTo("The slot has already started."));
    }

    @Test
    void fiftyConcurrentBookingsOfOneSlotGiveOneAppointment() throws Exception {
        Party doc = LocalStack.registerPractitioner("race");
        String slot = createSlots(doc, window(), 1, 30).get(0);
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Party p = crowd.get(i % crowd.size());
            results.add(pool.submit(() -> {
                go.await();
                return book(p, slot).statusCode();
            }));
        }
        go.countDown();
        int created = 0;
        int conflicts = 0;
        for (Future<Integer> f : results) {
            int status = f.get();
            if (status == 201) {
                created++;
            } else if (status == 409) {
                conflicts++;
            }
        }
        pool.shutdown();
        assertEquals(1, created);
        assertEquals(49, conflicts);
        assertEquals(1, appointmentsOnSlot(slot));
        assertEquals(false, slotAvailable(slot));
    }

    @Test
    void aPatientCannotHoldTwoAppointmentsAtOverlappingTimes() {
        Party doc1 = LocalStack.registerPractitioner("ov1");
        Party doc2 = LocalStack.registerPractitioner("ov2");
        Party patient = LocalStack.registerPatient("twice");
        Instant from = window();
        String first = createSlots(doc1, from, 1, 60).get(0);
        String overlapping = given().auth().oauth2(doc2.token()).contentType(ContentType.JSON)
                .body(Map.of("start", from.plus(30, ChronoUnit.MINUTES).toString(),
                        "end", from.plus(90, ChronoUnit.MINUTES).toString()))
                .post("/api/appointments/slots").then().statusCode(201).extract().path("items[0].slotId");
        bookOk(patient, first);
        book(patient, overlapping).then().statusCode(409)
                .body("detail", equalTo("You already have an appointment at an overlapping time."));
        assertEquals(true, slotAvailable(overlapping));
        // A taken slot is a 409 for someone else too.
        book(alice, first).then().statusCode(409).body("detail", equalTo("The slot is already taken."));
    }

    @Test
    void concurrentBookingsOfOverlappingSlotsByOnePatientGiveOne() throws Exception {
        Party patient = LocalStack.registerPatient("parallel");
        Instant from = window();
        List<String> slotIds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Party doc = LocalStack.registerPractitioner("par" + i);
            slotIds.add(createSlots(doc, from, 1, 30).get(0));
        }
        ExecutorService pool = Executors.newFixedThreadPool(5);
        List<Callable<Integer>> calls = slotIds.stream()
                .<Callable<Integer>>map(s -> () -> book(patient, s).statusCode())
                .toList();
        long created = pool.invokeAll(calls).stream().filter(f -> {
            try {
                return f.get() == 201;
            } catch (Exception e) {
                return false;
            }
        }).count();
        pool.shutdown();
        assertEquals(1, created);
    }

    @Test
    void listsOnlyTheCallersOwnAppointments() {
        Party doc = LocalStack.registerPractitioner("list");
        Party patient = LocalStack.registerPatient("list");
        List<String> s = createSlots(doc, window(), 2, 30);
        String mine = bookOk(patient, s.get(0));
        bookOk(bob, s.get(1));
        given().auth().oauth2(patient.token()).get("/api/appointments")
                .then().statusCode(200).body("total", equalTo(1)).body("items[0].appointmentId", equalTo(mine))
                .body("items[0].reason", equalTo("checkup"));
        given().auth().oauth2(doc.token()).get("/api/appointments")
                .then().statusCode(200).body("total", equalTo(2))
                .body("items.practitionerId", everyItemIs(doc.id().toString()));
        given().auth().oauth2(doc.token()).queryParam("page", -1).get("/api/appointments").then().statusCode(400);
    }

    static org.hamcrest.Matcher<Iterable<? extends String>> everyItemIs(String value) {
        return org.hamcrest.Matchers.everyItem(equalTo(value));
    }

    // ---- cancel and reschedule -----------------------------------------------------------------

    @Test
    void cancellingFreesTheSlotAndOnlyTheTwoPartiesMayCancel() {
        Party doc = LocalStack.registerPractitioner("cancel");
        Party patient = LocalStack.registerPatient("cancel");
        String slot = createSlots(doc, window(), 1, 30).get(0);
        String appointment = bookOk(patient, slot);
        // Other parties do not even learn it exists.
        given().auth().oauth2(bob.token()).contentType(ContentType.JSON).body(Map.of("reason", "x"))
                .post("/api/appointments/" + appointment + "/cancel").then().statusCode(404);
        given().auth().oauth2(doctor.token()).contentType(ContentType.JSON).body(Map.of("reason", "x"))
                .post("/api/appointments/" + appointment + "/cancel").then().statusCode(404);
        given().auth().oauth2(patient.token()).contentType(ContentType.JSON).body(Map.of())
                .post("/api/appointments/" + UUID.randomUUID() + "/cancel").then().statusCode(404);
        given().auth().oauth2(patient.token()).contentType(ContentType.JSON).body(Map.of())
                .post("/api/appointments/not-a-uuid/cancel").then().statusCode(404);

        given().auth().oauth2(doc.token()).contentType(ContentType.JSON).body(Map.of("reason", "ill"))
                .post("/api/appointments/" + appointment + "/cancel")
                .then().statusCode(200).body("status", equalTo("CANCELLED"))
                .body("appointmentId", equalTo(appointment));
        assertEquals(true, slotAvailable(slot));
        assertEquals(1, outboxEvents("ehr.appointments.AppointmentCancelled.v1", appointment));
        given().auth().oauth2(patient.token()).contentType(ContentType.JSON).body(Map.of())
                .post("/api/appointments/" + appointment + "/cancel").then().statusCode(409);
        given().auth().oauth2(patient.token()).contentType(ContentType.JSON).body(Map.of("slotId", slot))
                .post("/api/appointments/" + appointment + "/reschedule").then().statusCode(409);
        // The freed slot is listed and bookable again.
        given().auth().oauth2(alice.token()).queryParam("practitionerId", doc.id().toString())
                .get("/api/appointments/slots").then().statusCode(200).body("items.slotId", hasItem(slot));
        bookOk(bob, slot);
        assertEquals(2, appointmentsOnSlot(slot));
    }

    @Test
    void rescheduleMovesAtomicallyAndALostRaceChangesNothing() throws Exception {
        Party doc = LocalStack.registerPractitioner("resched");
        Party patient = LocalStack.registerPatient("resched");
        Party other = LocalStack.registerPatient("resched-other");
        List<String> s = createSlots(doc, window(), 4, 30);
        String appointment = bookOk(patient, s.get(0));
        String othersAppointment = bookOk(other, s.get(1));
        assertEquals(1, outboxEvents("ehr.appointments.AppointmentBooked.v1", appointment));

        // The target is taken: 409, and the appointment keeps its slot.
        given().auth().oauth2(patient.token()).contentType(ContentType.JSON).body(Map.of("slotId", s.get(1)))
                .post("/api/appointments/" + appointment + "/reschedule").then().statusCode(409);
        assertEquals(false, slotAvailable(s.get(0)));
        // Unknown slot 404, missing slot 400, someone else's appointment 404.
        given().auth().oauth2(patient.token()).contentType(ContentType.JSON)
                .body(Map.of("slotId", UUID.randomUUID().toString()))
                .post("/api/appointments/" + appointment + "/reschedule").then().statusCode(404);
        given().auth().oauth2(patient.token()).contentType(ContentType.JSON).body(Map.of())
                .post("/api/appointments/" + appointment + "/reschedule").then().statusCode(400);
        given().auth().oauth2(patient.token()).contentType(ContentType.JSON).body(Map.of("slotId", s.get(2)))
                .post("/api/appointments/" + othersAppointment + "/reschedule").then().statusCode(404);

        // Both patients race for the same free slot: one wins, the loser keeps its old slot.
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        Future<Integer> a = pool.submit(() -> {
            go.await();
            return given().auth().oauth2(patient.token()).contentType(ContentType.JSON).body(Map.of("slotId", s.get(2)))
                    .post("/api/appointments/" + appointment + "/reschedule").statusCode();
        });
        Future<Integer> b = pool.submit(() -> {
            go.await();
            return given().auth().oauth2(other.token()).contentType(ContentType.JSON).body(Map.of("slotId", s.get(2)))
                    .post("/api/appointments/" + othersAppointment + "/reschedule").statusCode();
        });
        go.countDown();
        List<Integer> statuses = List.of(a.get(), b.get());
        pool.shutdown();
        assertEquals(1, statuses.stream().filter(x -> x == 200).count(), statuses.toString());
        assertEquals(1, statuses.stream().filter(x -> x == 409).count(), statuses.toString());
        assertEquals(false, slotAvailable(s.get(2)));
        boolean patientWon = a.get() == 200;
        assertEquals(patientWon, slotAvailable(s.get(0)));
        assertEquals(!patientWon, slotAvailable(s.get(1)));
        assertEquals(1, appointmentsOnSlot(s.get(2)));

        String winner = patientWon ? appointment : othersAppointment;
        Party winnerParty = patientWon ? patient : other;
        given().auth().oauth2(winnerParty.token()).contentType(ContentType.JSON).body(Map.of("slotId", s.get(3)))
                .post("/api/appointments/" + winner + "/reschedule")
                .then().statusCode(200).body("slotId", equalTo(s.get(3))).body("status", equalTo("BOOKED"));
        assertEquals(true, slotAvailable(s.get(2)));
        assertEquals(2, outboxEvents("ehr.appointments.AppointmentRescheduled.v1", winner));
    }

    // ---- reminders -----------------------------------------------------------------------------

    @Test
    void aReminderIsEmittedOnceEvenWhenTwoJobRunsRace() throws Exception {
        Party doc = LocalStack.registerPractitioner("remind");
        Party patient = LocalStack.registerPatient("remind");
        Instant soon = Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
        String slot = given().auth().oauth2(doc.token()).contentType(ContentType.JSON)
                .body(Map.of("start", soon.toString(), "end", soon.plus(30, ChronoUnit.MINUTES).toString()))
                .post("/api/appointments/slots").then().statusCode(201).extract().path("items[0].slotId");
        String appointment = bookOk(patient, slot);

        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            runs.add(pool.submit(() -> {
                go.await();
                return reminders.emitDue();
            }));
        }
        go.countDown();
        for (Future<Integer> run : runs) {
            run.get();
        }
        reminders.emitDue();
        pool.shutdown();
        assertEquals(1, outboxEvents("ehr.appointments.AppointmentReminderDue.v1", appointment));
        // A later appointment is not due yet.
        Party later = LocalStack.registerPatient("later");
        String far = createSlots(doc, window(), 1, 30).get(0);
        String farAppointment = bookOk(later, far);
        reminders.emitDue();
        assertEquals(0, outboxEvents("ehr.appointments.AppointmentReminderDue.v1", farAppointment));
    }

    @Test
    void eventsLeaveThroughTheOutbox() {
        Party patient = LocalStack.registerPatient("outbox");
        String slot = createSlots(doctor, window(), 1, 30).get(0);
        String appointment = bookOk(patient, slot);
        long deadline = System.currentTimeMillis() + 20_000;
        long published = 0;
        while (System.currentTimeMillis() < deadline && published == 0) {
            published = QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                    "SELECT COUNT(*) FROM outbox_event WHERE payload LIKE ?1 AND published_at IS NOT NULL")
                    .setParameter(1, "%" + appointment + "%").getSingleResult()).longValue());
        }
        assertEquals(1, published);
    }
}
