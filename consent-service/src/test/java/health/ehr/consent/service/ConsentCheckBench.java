package health.ehr.consent.service;

import static health.ehr.consent.testing.ConsentApi.categories;
import static health.ehr.consent.testing.ConsentApi.grant;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.ehr.consent.testing.ConsentApi;
import health.ehr.consent.testing.OutboxRows;
import health.ehr.consent.testing.Parties;
import health.ehr.consent.testing.Parties.Party;
import health.ehr.consent.testing.TestChain;
import health.ehr.events.Ids;
import health.ehr.events.chain.GrantConsent;
import health.ehr.support.testing.BenchFigure;
import health.ehr.support.testing.Poll;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.List;
import java.util.Random;
import java.util.TimeZone;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/**
 * Benchmarks (figures on stdout, no timed assertions; {@code mvn -B -DskipStack -Pbench verify -pl
 * consent-service}): the consent check at a fixed 1,000 requests/s through HTTP with a real service
 * token, the same indexed query through plain JDBC at the same rate as the baseline, and the
 * mirror's lag from the confirming block to ACTIVE.
 *
 * <p>Open-loop load: a dispatcher releases one request every millisecond to a fixed pool of
 * threads and latency is measured from the moment the request was due, so a stall shows in the
 * percentiles instead of slowing the generator down (no coordinated omission).
 */
@QuarkusTest
@WithTestResource(TestChain.class)
class ConsentCheckBench {

    private static final int RATE = 1_000;
    private static final AtomicInteger FAILURES = new AtomicInteger();
    private static final Duration WARM_UP = Duration.ofSeconds(5);
    private static final Duration MEASURE = Duration.ofSeconds(20);
    private static final int PATIENTS = 2_000;
    private static final int GRANTEES = 5;
    private static final String[] CATEGORIES = Scopes.CATEGORIES.stream().sorted().toArray(String[]::new);

    @Inject
    AgroalDataSource db;

    @Inject
    OutboxRows outbox;

    @Inject
    ConsentCheck check;

    @Inject
    io.micrometer.core.instrument.MeterRegistry metrics;

    @TestHTTPResource("/api/consents/check")
    URI checkUrl;

    private final List<UUID> patients = new ArrayList<>();
    private final List<UUID> grantees = new ArrayList<>();

    @Test
    void consentCheckAtAThousandRequestsPerSecond() throws Exception {
        seed();
        explain();
        String loadBefore = load();
        String token = "Bearer " + Parties.serviceToken();

        Result jdbc = run("JDBC baseline (the check's SQL on the service's pool)", random -> {
            try (Connection c = db.getConnection();
                    PreparedStatement s = c.prepareStatement(ConsentCheck.sql(true, false))) {
                s.setBytes(1, Ids.bytes(patients.get(random.nextInt(PATIENTS))));
                s.setBytes(2, Ids.bytes(grantees.get(random.nextInt(GRANTEES))));
                s.setString(3, Scopes.ALL_ITEM);
                s.setString(4, Scopes.categoryItem(CATEGORIES[random.nextInt(CATEGORIES.length)]));
                s.setTimestamp(5, Timestamp.from(Instant.now()), Calendar.getInstance(TimeZone.getTimeZone("UTC")));
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next();
                }
            }
        });
        // Steady state of a running service: every pair has been asked once (the cache holds it).
        Instant now = Instant.now();
        for (UUID patient : patients) {
            for (UUID grantee : grantees) {
                check.permitted(patient, grantee, "IMAGING", null, now);
            }
        }
        double hitsBefore = cacheCount("hit");
        double missesBefore = cacheCount("miss");
        Result api = runHttp("GET /api/consents/check (HTTP, JWT, cache)", token, random -> checkUrl.getPath()
                + "?patientId=" + patients.get(random.nextInt(PATIENTS))
                + "&granteeId=" + grantees.get(random.nextInt(GRANTEES))
                + "&category=" + CATEGORIES[random.nextInt(CATEGORIES.length)]);
        System.out.printf("%nBENCH consent check, %,d consents of %,d patients, %d req/s for %ds after %ds warm-up;"
                + " %d cores, load average %s before, %s after%n", PATIENTS * GRANTEES, PATIENTS, RATE,
                MEASURE.toSeconds(), WARM_UP.toSeconds(), Runtime.getRuntime().availableProcessors(), loadBefore,
                load());
        System.out.println(jdbc);
        System.out.println(api);
        System.out.printf("  check cache during the HTTP run (warm-up included): %.0f hits, %.0f misses%n",
                cacheCount("hit") - hitsBefore, cacheCount("miss") - missesBefore);
        String conditions = String.format("%,d requests at %d/s open-loop after %ds warm-up, %,d consents;"
                + " HTTP errors %d, JDBC errors %d", api.micros.length, RATE, WARM_UP.toSeconds(), PATIENTS * GRANTEES,
                api.errors, jdbc.errors);
        BenchFigure.of("consent-service", "consent.check.p99", "Consent check p99 at 1,000 req/s (HTTP, JWT)")
                .value(api.percentile(99), "ms")
                .baseline(jdbc.percentile(99), "ms", "the check's indexed SQL through JDBC, same rate, same run")
                .below(5, "p99 < 5 ms at 1,000 req/s")
                .notes(conditions + String.format("; achieved %.0f req/s", api.micros.length / api.seconds))
                .print();
        BenchFigure.of("consent-service", "consent.check.p50", "Consent check p50 at 1,000 req/s (HTTP, JWT)")
                .value(api.percentile(50), "ms")
                .baseline(jdbc.percentile(50), "ms", "the check's indexed SQL through JDBC, same rate, same run")
                .notes(conditions)
                .print();
        assertTrue(api.errors == 0 && jdbc.errors == 0, "no request may fail");
    }

    @Test
    void mirrorLagFromTheConfirmingBlockToActive() throws Exception {
        Party doctor = Parties.practitioner();
        long[] lags = new long[10];
        for (int i = 0; i < lags.length; i++) {
            Party patient = Parties.patient();
            ECKeyPair wallet = Keys.createEcKeyPair();
            TestChain.registerController(patient.chainId(), "0x" + Keys.getAddress(wallet));
            UUID consentId = UUID.fromString(ConsentApi.createWithWallet(patient, wallet,
                    grant(doctor.id(), categories("LAB_RESULT"))).then().statusCode(202)
                    .extract().jsonPath().getString("consentId"));
            TestChain.relay(outbox.of(consentId, GrantConsent.class).get(0));
            TestChain.anvil.mine(1);
            Poll.sleep(200 + new Random().nextInt(400)); // the confirming block comes at a random moment
            TestChain.anvil.mine(1); // the confirming block: the grant is now 2 deep
            long confirmed = System.nanoTime();
            while (!"ACTIVE".equals(status(consentId))) {
                assertTrue(System.nanoTime() - confirmed < 10_000_000_000L, "ACTIVE within 10 s");
                Poll.sleep(5);
            }
            lags[i] = (System.nanoTime() - confirmed) / 1_000_000;
        }
        Arrays.sort(lags);
        System.out.printf("%nBENCH mirror lag, confirming block -> ACTIVE (poll interval %s): p50 %d ms, max %d ms,"
                + " all %s%n", org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("consent.poll-interval", String.class), lags[lags.length / 2], lags[lags.length - 1],
                Arrays.toString(lags));
        Duration poll = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("consent.poll-interval", Duration.class);
        BenchFigure.of("consent-service", "consent.mirror.lag", "Mirror lag, confirming block to ACTIVE (max of 10)")
                .value(lags[lags.length - 1], "ms")
                .baseline(poll.toMillis(), "ms",
                        "consent.poll-interval (configured, not measured): the longest a change waits"
                                + " for the next poll")
                .below(1000, "mirror lag < 1 s")
                .notes(String.format("p50 %d ms; all %s", lags[lags.length / 2], Arrays.toString(lags)))
                .print();
    }

    private double cacheCount(String result) {
        return metrics.counter("consent.check.cache", "result", result).count();
    }

    // --------------------------------------------------------------------------------------------

    /**
     * One measured run: latencies in microseconds, from the moment each request was due, and the
     * test JVM's CPU time per request (service and load generator together: they share the JVM).
     */
    private record Result(String what, long[] micros, int errors, double seconds, double cpuMicrosPerRequest,
            double serverCpuMicrosPerRequest) {
        @Override
        public String toString() {
            long[] sorted = micros.clone();
            Arrays.sort(sorted);
            return String.format("  %-44s %,6d req in %.1fs (%.0f/s), errors %d: p50 %.2f ms, p90 %.2f ms,"
                            + " p99 %.2f ms, max %.2f ms; CPU per request: %.0f us in this JVM%s", what, sorted.length,
                    seconds, sorted.length / seconds, errors, pct(sorted, 50), pct(sorted, 90), pct(sorted, 99),
                    sorted[sorted.length - 1] / 1000.0, cpuMicrosPerRequest, serverCpuMicrosPerRequest < 0 ? ""
                            : String.format(", %.0f us in the service's request threads", serverCpuMicrosPerRequest));
        }

        /** The {@code p}th percentile of the latencies, in milliseconds. */
        double percentile(double p) {
            long[] sorted = micros.clone();
            Arrays.sort(sorted);
            return pct(sorted, p);
        }

        private static double pct(long[] sorted, double p) {
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)] / 1000.0;
        }
    }

    @FunctionalInterface
    private interface Call {
        boolean run(Random random) throws Exception;
    }

    private static Result run(String what, Call call) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(64);
        try {
            fixedRate(pool, call, WARM_UP, null);
            long[] micros = new long[(int) (RATE * MEASURE.toSeconds())];
            AtomicInteger errors = new AtomicInteger();
            long start = System.nanoTime();
            long cpu = cpuNanos();
            double serverCpu = -1; // the JDBC run has no request threads
            fixedRate(pool, call, MEASURE, (i, latency, ok) -> {
                micros[i] = latency;
                if (!ok) {
                    errors.incrementAndGet();
                }
            });
            return new Result(what, micros, errors.get(), (System.nanoTime() - start) / 1e9,
                    (cpuNanos() - cpu) / 1e3 / micros.length, serverCpu);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The HTTP run: the same open-loop schedule, sent by a Vert.x HTTP client on its own Vert.x
     * instance (one event loop, keep-alive pool). java.net.http with a thread per request in flight
     * cost this JVM about 0.7 ms of CPU per request on top of the service, on a machine whose two
     * cores are shared; the non-blocking client costs a fraction of that.
     */
    private Result runHttp(String what, String token, java.util.function.Function<Random, String> path)
            throws Exception {
        java.util.Set<Long> serverThreads = serverThreadIds();
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(1)
                .setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
        try {
            io.vertx.core.http.HttpClient client = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
                    .setDefaultHost(checkUrl.getHost()).setDefaultPort(checkUrl.getPort()).setKeepAlive(true)
                    .setMaxPoolSize(128).setConnectTimeout(2000), new io.vertx.core.http.PoolOptions()
                    .setHttp1MaxSize(128));
            io.vertx.core.Context context = vertx.getOrCreateContext();
            sendAtFixedRate(context, client, token, path, WARM_UP, null);
            long[] micros = new long[(int) (RATE * MEASURE.toSeconds())];
            AtomicInteger errors = new AtomicInteger();
            long start = System.nanoTime();
            long cpu = cpuNanos();
            long serverCpu = threadCpuNanos(serverThreads);
            sendAtFixedRate(context, client, token, path, MEASURE, (i, latency, ok) -> {
                micros[i] = latency;
                if (!ok) {
                    errors.incrementAndGet();
                }
            });
            return new Result(what, micros, errors.get(), (System.nanoTime() - start) / 1e9,
                    (cpuNanos() - cpu) / 1e3 / micros.length,
                    (threadCpuNanos(withWorkers(serverThreads)) - serverCpu) / 1e3 / micros.length);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static void sendAtFixedRate(io.vertx.core.Context context, io.vertx.core.http.HttpClient client,
            String token,
            java.util.function.Function<Random, String> path, Duration duration, Sink sink)
            throws InterruptedException {
        int count = (int) (RATE * duration.toSeconds());
        long interval = 1_000_000_000L / RATE;
        CountDownLatch done = new CountDownLatch(count);
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long due = t0 + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int index = i;
            String uri = path.apply(new Random(index));
            // Sent from the client's event loop, so that the response body cannot arrive before its handler.
            context.runOnContext(v -> client.request(io.vertx.core.http.HttpMethod.GET, uri)
                    .compose(request -> request.putHeader("Authorization", token).send())
                    .compose(response -> response.body().map(body -> {
                        if (response.statusCode() != 200 || !body.toString().contains("\"permitted\"")) {
                            throw new IllegalStateException("status " + response.statusCode() + " " + response.headers()
                                    + ": '" + body + "' for " + uri);
                        }
                        return true;
                    }))
                    .onComplete(result -> {
                        if (result.failed() && FAILURES.incrementAndGet() <= 3) {
                            System.out.println("BENCH first failed request: " + result.cause());
                        }
                        if (sink != null) {
                            sink.record(index, (System.nanoTime() - due) / 1_000,
                                    result.succeeded() && result.result());
                        }
                        done.countDown();
                    }));
        }
        done.await(60, TimeUnit.SECONDS);
    }

    /** The service's request threads: its Vert.x event loops and its worker pool. */
    private static java.util.Set<Long> serverThreadIds() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        java.util.Set<Long> ids = new java.util.HashSet<>();
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && (info.getThreadName().startsWith("executor-thread")
                    || info.getThreadName().startsWith("vert.x-eventloop"))) {
                ids.add(info.getThreadId());
            }
        }
        return ids;
    }

    /** {@code ids} and every worker thread of the service now (the pool grows under load). */
    private static java.util.Set<Long> withWorkers(java.util.Set<Long> ids) {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        java.util.Set<Long> all = new java.util.HashSet<>(ids);
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("executor-thread")) {
                all.add(info.getThreadId());
            }
        }
        return all;
    }

    private static long threadCpuNanos(java.util.Set<Long> ids) {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long total = 0;
        for (long id : ids) {
            total += Math.max(0, threads.getThreadCpuTime(id));
        }
        return total;
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String load() {
        return String.format("%.1f", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage());
    }

    private interface Sink {
        void record(int index, long micros, boolean ok);
    }

    private static void fixedRate(ExecutorService pool, Call call, Duration duration, Sink sink)
            throws InterruptedException {
        int count = (int) (RATE * duration.toSeconds());
        long interval = 1_000_000_000L / RATE;
        CountDownLatch done = new CountDownLatch(count);
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long due = t0 + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int index = i;
            pool.execute(() -> {
                boolean ok;
                try {
                    call.run(new Random(index));
                    ok = true;
                } catch (Exception e) {
                    ok = false;
                }
                if (sink != null) {
                    sink.record(index, (System.nanoTime() - due) / 1_000, ok);
                }
                done.countDown();
            });
        }
        done.await(60, TimeUnit.SECONDS);
    }

    /** {@code PATIENTS} patients, each with an ACTIVE consent of two categories for each of {@code GRANTEES}. */
    private void seed() throws Exception {
        Random random = new Random(42);
        for (int i = 0; i < GRANTEES; i++) {
            grantees.add(UUID.randomUUID());
        }
        Instant now = Instant.now();
        Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement consent = c.prepareStatement("INSERT INTO consent (consent_id, patient_id,"
                    + " grantee_id, scope, scope_hash, purpose, expires_at, status, patient_chain_id, grantee_chain_id,"
                    + " grant_nonce, grant_command_id, signed_by, created_at, updated_at) VALUES"
                    + " (?, ?, ?, ?, ?, 'bench', ?, 'ACTIVE', ?, ?, 0, ?, 'CUSTODIAL', ?, ?)");
                    PreparedStatement coverage = c.prepareStatement("INSERT INTO consent_coverage (patient_id,"
                            + " grantee_id, item, consent_id) VALUES (?, ?, ?, ?)")) {
                for (int p = 0; p < PATIENTS; p++) {
                    UUID patient = UUID.randomUUID();
                    patients.add(patient);
                    for (UUID grantee : grantees) {
                        UUID id = UUID.randomUUID();
                        String a = CATEGORIES[random.nextInt(CATEGORIES.length)];
                        String b = CATEGORIES[random.nextInt(CATEGORIES.length)];
                        consent.setBytes(1, Ids.bytes(id));
                        consent.setBytes(2, Ids.bytes(patient));
                        consent.setBytes(3, Ids.bytes(grantee));
                        consent.setString(4, "{\"categories\":[\"" + a + "\"]}");
                        consent.setString(5, "0x" + "ab".repeat(32));
                        consent.setTimestamp(6, Timestamp.from(now.plus(30, ChronoUnit.DAYS)), utc);
                        consent.setString(7, "0x" + "cd".repeat(32));
                        consent.setString(8, "0x" + "ef".repeat(32));
                        consent.setBytes(9, Ids.bytes(UUID.randomUUID()));
                        consent.setTimestamp(10, Timestamp.from(now), utc);
                        consent.setTimestamp(11, Timestamp.from(now), utc);
                        consent.addBatch();
                        for (String item : a.equals(b) ? List.of(a) : List.of(a, b)) {
                            coverage.setBytes(1, Ids.bytes(patient));
                            coverage.setBytes(2, Ids.bytes(grantee));
                            coverage.setString(3, Scopes.categoryItem(item));
                            coverage.setBytes(4, Ids.bytes(id));
                            coverage.addBatch();
                        }
                    }
                    if (p % 200 == 199) {
                        consent.executeBatch();
                        coverage.executeBatch();
                    }
                }
                consent.executeBatch();
                coverage.executeBatch();
            }
            c.commit();
            try (PreparedStatement analyze = c.prepareStatement("ANALYZE TABLE consent, consent_coverage")) {
                analyze.execute();
            }
        }
    }

    /** Prints the plan of the check's query, to show it is index lookups only. */
    private void explain() throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("EXPLAIN " + ConsentCheck.sql(true, false))) {
            s.setBytes(1, Ids.bytes(patients.get(0)));
            s.setBytes(2, Ids.bytes(grantees.get(0)));
            s.setString(3, Scopes.ALL_ITEM);
            s.setString(4, Scopes.categoryItem("IMAGING"));
            s.setTimestamp(5, Timestamp.from(Instant.now()));
            try (ResultSet rs = s.executeQuery()) {
                System.out.println("\nBENCH plan of " + ConsentCheck.sql(true, false));
                while (rs.next()) {
                    System.out.printf("  table %s, type %s, key %s, rows %s, extra %s%n", rs.getString("table"),
                            rs.getString("type"), rs.getString("key"), rs.getString("rows"), rs.getString("Extra"));
                }
            }
        }
    }

    private String status(UUID consentId) {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT status FROM consent WHERE consent_id = ?")) {
            s.setBytes(1, Ids.bytes(consentId));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
