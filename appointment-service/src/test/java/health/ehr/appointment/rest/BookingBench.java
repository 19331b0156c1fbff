package health.ehr.appointment.rest;

import health.ehr.support.testing.BenchFigure;
import health.ehr.support.testing.LocalStack;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import health.ehr.support.testing.LocalStack.Party;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * 32 concurrent patients race for 1,000 slots of one practitioner, each picking random slots that
 * are still free in its own view (so they collide), until every slot is booked. Prints throughput,
 * latency percentiles and the double-booking count; asserts only correctness.
 */
@QuarkusTest
class BookingBench {

    @Inject
    EntityManager em;

    @Inject
    io.agroal.api.AgroalDataSource db;

    @Test
    void thousandBookingsWithThirtyTwoClients() throws Exception {
        int clients = 32;
        Party doc = LocalStack.registerPractitioner("bench-doc");
        Instant from = Instant.now().plus(4000 + ThreadLocalRandom.current().nextInt(20000), ChronoUnit.DAYS)
                .truncatedTo(ChronoUnit.HOURS);
        List<String> slots = thousandSlots(doc, from);
        List<Party> patients = Collections.synchronizedList(new ArrayList<>());
        ExecutorService setup = Executors.newFixedThreadPool(4);
        for (int i = 0; i < clients; i++) {
            int n = i;
            setup.submit(() -> patients.add(LocalStack.registerPatient("bench" + n)));
        }
        setup.shutdown();
        setup.awaitTermination(5, TimeUnit.MINUTES);

        List<String> free = Collections.synchronizedList(new ArrayList<>(slots));
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger created = new AtomicInteger();
        AtomicInteger conflicts = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long t0 = System.nanoTime();
        for (Party p : patients) {
            pool.submit(() -> {
                while (true) {
                    String slot;
                    synchronized (free) {
                        if (free.isEmpty()) {
                            return;
                        }
                        slot = free.get(ThreadLocalRandom.current().nextInt(free.size()));
                    }
                    long s = System.nanoTime();
                    int status = given().auth().oauth2(p.token()).contentType(ContentType.JSON)
                            .body(Map.of("slotId", slot)).post("/api/appointments").statusCode();
                    latencies.add(System.nanoTime() - s);
                    if (status == 201) {
                        created.incrementAndGet();
                    } else if (status == 409) {
                        conflicts.incrementAndGet();
                    } else {
                        other.incrementAndGet();
                    }
                    free.remove(slot);
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        long doubles = QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "SELECT COUNT(*) FROM (SELECT slot_id FROM appointment WHERE status = 'BOOKED'"
                        + " GROUP BY slot_id HAVING COUNT(*) > 1) d").getSingleResult()).longValue());
        long rows = QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "SELECT COUNT(*) FROM appointment WHERE practitioner_id = UNHEX(REPLACE(?1, '-', ''))")
                .setParameter(1, doc.id().toString()).getSingleResult()).longValue());
        System.out.printf("%nBENCH booking: %d slots, %d clients: %d x 201, %d x 409, %d other in %.2f s;"
                        + " %.0f successful bookings/s, %.0f requests/s; latency p50 %.1f ms, p95 %.1f ms, p99 %.1f ms;"
                        + " appointment rows %d; slots booked twice: %d%n%n",
                slots.size(), clients, created.get(), conflicts.get(), other.get(), seconds, created.get() / seconds,
                sorted.size() / seconds, pct(sorted, 50), pct(sorted, 95), pct(sorted, 99), rows, doubles);
        // Baseline, same run: the step that decides who wins a slot, the service's conditional UPDATE,
        // alone through JDBC on the service's pool, 32 clients racing for 1,000 fresh slots the same way.
        double rawClaims = rawClaimsPerSecond(thousandSlots(LocalStack.registerPractitioner("bench-raw"), from),
                clients);
        System.out.printf("BENCH booking baseline: the slot's conditional UPDATE alone through JDBC, %d clients:"
                + " %.0f claims/s%n%n", clients, rawClaims);
        String conditions = String.format(
                "%d slots, %d clients: %d x 201, %d x 409, %d other in %.2f s; %.0f requests/s",
                slots.size(), clients, created.get(), conflicts.get(), other.get(), seconds, sorted.size() / seconds);
        BenchFigure.of("appointment-service", "appointment.booking.throughput",
                        "Bookings, 1,000 slots, 32 concurrent clients")
                .value(created.get() / seconds, "bookings/s")
                .baseline(rawClaims, "claims/s", "the slot's conditional UPDATE alone through JDBC, 32 clients racing"
                        + " for 1,000 fresh slots, same run")
                .target("every slot booked once, no other error", created.get() == 1000 && other.get() == 0)
                .notes(conditions)
                .print();
        BenchFigure.of("appointment-service", "appointment.booking.p99", "Booking latency p99, 32 concurrent clients")
                .value(pct(sorted, 99), "ms")
                .notes(String.format("p50 %.1f ms, p95 %.1f ms; %s", pct(sorted, 50), pct(sorted, 95), conditions))
                .print();
        BenchFigure.of("appointment-service", "appointment.booking.double-booked", "Slots booked twice")
                .value(doubles, "slots")
                .target("zero double bookings", doubles == 0 && rows == 1000)
                .notes(String.format("appointment rows %d for 1,000 slots", rows))
                .print();
        assertEquals(1000, created.get());
        assertEquals(1000, rows);
        assertEquals(0, doubles);
        assertEquals(0, other.get());
    }

    /** 1,000 five-minute slots of {@code doc} from {@code from}, created through the API; their ids. */
    private static List<String> thousandSlots(Party doc, Instant from) {
        List<String> slots = new ArrayList<>();
        for (int batch = 0; batch < 2; batch++) {
            Instant start = from.plus(batch * 500L * 5, ChronoUnit.MINUTES);
            slots.addAll(given().auth().oauth2(doc.token()).contentType(ContentType.JSON)
                    .body(Map.of("from", start.toString(), "to", start.plus(500L * 5, ChronoUnit.MINUTES).toString(),
                            "durationMinutes", 5))
                    .post("/api/appointments/slots").then().statusCode(201)
                    .extract().jsonPath().getList("items.slotId", String.class));
        }
        return slots;
    }

    /** Slots claimed per second by {@code clients} threads running the service's conditional UPDATE. */
    private double rawClaimsPerSecond(List<String> slots, int clients) throws Exception {
        List<String> free = Collections.synchronizedList(new ArrayList<>(slots));
        AtomicInteger claimed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long t0 = System.nanoTime();
        for (int i = 0; i < clients; i++) {
            pool.submit(() -> {
                while (true) {
                    String slot;
                    synchronized (free) {
                        if (free.isEmpty()) {
                            return null;
                        }
                        slot = free.get(ThreadLocalRandom.current().nextInt(free.size()));
                    }
                    try (java.sql.Connection c = db.getConnection();
                            java.sql.PreparedStatement update = c.prepareStatement("UPDATE slot SET available = false"
                                    + " WHERE slot_id = UNHEX(REPLACE(?, '-', '')) AND available = true"
                                    + " AND start_at > UTC_TIMESTAMP(6)")) {
                        update.setString(1, slot);
                        if (update.executeUpdate() == 1) {
                            claimed.incrementAndGet();
                        }
                    }
                    free.remove(slot);
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(slots.size(), claimed.get(), "every slot claimed once");
        return claimed.get() / seconds;
    }

    static double pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)) / 1e6;
    }
}
