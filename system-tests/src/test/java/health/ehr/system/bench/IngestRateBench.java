package health.ehr.system.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import health.ehr.support.testing.BenchFigure;
import health.ehr.support.testing.LocalStack;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Ingest through the whole platform (system-tests {@code bench} profile): 10 KiB records uploaded
 * by 16 concurrent clients through the gateway, with the same uploads straight to records-service
 * as the baseline of the same run, then the time until every record uploaded through the gateway is
 * ANCHORED on chain (its proof, read through the gateway). Figures on stdout, no timed assertions;
 * every upload must succeed and every record must be anchored.
 *
 * <p>{@code -Dbench.ingestCount=N} sets the uploads per run (default 1,600), {@code -Dbench.ingestWarmup=N}
 * the uploads before them, half through each path (default 40,000).
 */
class IngestRateBench {

    private static final int CLIENTS = 16;
    private static final int SIZE = 10 * 1024;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void smallRecordsThroughTheGatewayUntilAnchored() throws Exception {
        int count = Integer.getInteger("bench.ingestCount", 1_600);
        String gateway = LocalStack.gatewayUrl();
        String direct = LocalStack.serviceUrl("EHR_RECORDS_PORT", 8082);
        LocalStack.Party patient = LocalStack.registerPatient("ingest-bench");
        byte[] content = new byte[SIZE];
        new Random(8).nextBytes(content);

        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            // Warm-up of both paths. records-service's JIT is still compiling the upload path after
            // thousands of uploads (measured: a freshly restarted service 340/s after 10,000 warm-up
            // uploads, 570/s once warm); with 320 this figure measured a cold service, not its rate. The suite
            // restarts every service at its end (StartupMemoryBench), so its next run starts cold: with 20,000
            // it measured 601/s where a warm service takes 855/s (session 6).
            int warmup = Integer.getInteger("bench.ingestWarmup", 40_000);
            Run warmGateway = run(pool, gateway, patient, content, warmup / 2);
            Run warmDirect = run(pool, direct, patient, content, warmup / 2);
            Run baseline = run(pool, direct, patient, content, count);
            Run viaGateway = run(pool, gateway, patient, content, count);
            System.out.printf(Locale.ROOT, "%nBENCH ingest, %,d records of 10 KiB, %d clients:%n", count, CLIENTS);
            System.out.println("BENCH   " + baseline.describe("straight to records-service"));
            System.out.println("BENCH   " + viaGateway.describe("through the gateway"));
            // The rate counts stored records only: with failures the figure says so and the test fails.
            BenchFigure.of("system", "system.ingest.gateway", "10 KiB uploads through the gateway, 16 clients")
                    .value(viaGateway.rate(), "uploads/s")
                    .baseline(baseline.rate(), "uploads/s", "the same uploads straight to records-service, same run")
                    .atLeast(800, ">= 800 small (10 KiB) uploads/s through the gateway at concurrency 16")
                    .notes(viaGateway.describe("gateway") + "; " + baseline.describe("direct"))
                    .print();
            assertEquals(0, baseline.failures.get() + viaGateway.failures.get(), "no upload may fail");

            int stored = viaGateway.recordIds.size();
            long anchoredAt = awaitAnchored(pool, gateway, patient, viaGateway.recordIds);
            double endToEnd = (anchoredAt - viaGateway.startedAt) / 1e9;
            double afterLast = (anchoredAt - viaGateway.endedAt) / 1e9;
            System.out.printf(Locale.ROOT, "BENCH   all %,d anchored %.1f s after the first upload"
                    + " (%.0f records/s end to end), %.1f s after the last%n",
                    stored, endToEnd, stored / endToEnd, afterLast);
            BenchFigure.of("system", "system.ingest.anchored", "Ingest to anchored: uploads through the gateway until"
                    + " every record is ANCHORED")
                    .value(stored / endToEnd, "records/s")
                    .baseline(viaGateway.rate(), "uploads/s", "the upload rate through the gateway, same run")
                    .notes(String.format(Locale.ROOT, "%,d records anchored %.1f s after the first upload, %.1f s after"
                            + " the last; proofs read through the gateway", stored, endToEnd, afterLast))
                    .print();
            erase(pool, direct, patient, List.of(warmGateway, warmDirect, baseline, viaGateway));
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Erases the benchmark's records (crypto-shredding through the API: objects deleted, tombstones
     * kept), so that repeated runs do not fill the stack's disk (about 23,000 records, 0.4 GB a run).
     */
    private static void erase(ExecutorService pool, String base, LocalStack.Party patient, List<Run> runs)
            throws Exception {
        List<String> recordIds = runs.stream().flatMap(run -> run.recordIds().stream()).toList();
        int total = recordIds.size();
        System.out.printf(Locale.ROOT, "BENCH erasing the %,d records uploaded%n", total);
        long t0 = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (String recordId : recordIds) {
            futures.add(pool.submit(() -> {
                URI record = URI.create(base + "/api/records/" + recordId);
                HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(record)
                        .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + patient.token())
                        .DELETE().build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() != 204) {
                    throw new IllegalStateException("erasing " + recordId + ": HTTP " + response.statusCode());
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        System.out.printf(Locale.ROOT, "BENCH erased %,d in %.0f s%n", total, (System.nanoTime() - t0) / 1e9);
    }

    /** One measured run: what was stored, when, how fast. */
    private record Run(List<String> recordIds, List<Long> latencies, AtomicInteger failures, long startedAt,
            long endedAt) {

        double rate() {
            return recordIds.size() / ((endedAt - startedAt) / 1e9);
        }

        String describe(String label) {
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            return String.format(Locale.ROOT, "%s: %,d uploads in %.1f s = %.0f/s, p50 %.1f ms, p99 %.1f ms,"
                    + " failures %d", label, recordIds.size(), (endedAt - startedAt) / 1e9, rate(),
                    percentile(sorted, 50), percentile(sorted, 99), failures.get());
        }

        private static double percentile(List<Long> sorted, double p) {
            if (sorted.isEmpty()) {
                return Double.NaN;
            }
            return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100 * sorted.size()) - 1)) / 1e6;
        }
    }

    private static Run run(ExecutorService pool, String base, LocalStack.Party patient, byte[] content, int count)
            throws Exception {
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failures = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            futures.add(pool.submit(() -> {
                long s = System.nanoTime();
                try {
                    ids.add(upload(base, patient, content));
                    latencies.add(System.nanoTime() - s);
                } catch (Exception e) {
                    if (failures.incrementAndGet() <= 3) {
                        System.out.println("BENCH upload failed: " + e.getMessage());
                    }
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        return new Run(ids, latencies, failures, start, System.nanoTime());
    }

    private static String upload(String base, LocalStack.Party patient, byte[] content) throws Exception {
        String boundary = "ingest" + Long.toHexString(System.nanoTime());
        ByteArrayOutputStream body = new ByteArrayOutputStream(content.length + 512);
        for (String[] field : new String[][] {{"patientId", patient.id().toString()}, {"category", "LAB_RESULT"},
                {"title", "Ingest benchmark"}}) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field[0] + "\"\r\n\r\n"
                    + field[1] + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"panel.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(content);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/records"))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + patient.token())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("HTTP " + response.statusCode());
        }
        return JSON.readTree(response.body()).get("recordId").asText();
    }

    /**
     * The moment (nanoTime) every record is ANCHORED: the last uploads are polled first (the chain
     * anchors in order of arrival, so they come last), then every record is checked once; a record
     * still pending is waited for, and the clock stops when it turns.
     */
    private static long awaitAnchored(ExecutorService pool, String base, LocalStack.Party patient, List<String> ids)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        List<String> last = new ArrayList<>(ids.subList(Math.max(0, ids.size() - CLIENTS), ids.size()));
        long anchoredAt = System.nanoTime();
        while (!last.isEmpty()) {
            last.removeIf(id -> anchored(base, patient, id));
            anchoredAt = System.nanoTime();
            assertTrue(anchoredAt < deadline, "the last records anchored within 5 minutes");
            if (!last.isEmpty()) {
                Thread.sleep(100);
            }
        }
        List<Future<Long>> checks = new ArrayList<>();
        for (String id : ids) {
            checks.add(pool.submit(() -> {
                if (anchored(base, patient, id)) {
                    return 0L;
                }
                while (!anchored(base, patient, id)) {
                    assertTrue(System.nanoTime() < deadline, "record " + id + " anchored within 5 minutes");
                    Thread.sleep(200);
                }
                return System.nanoTime();
            }));
        }
        for (Future<Long> check : checks) {
            anchoredAt = Math.max(anchoredAt, check.get());
        }
        return anchoredAt;
    }

    private static boolean anchored(String base, LocalStack.Party patient, String recordId) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create(base + "/api/records/" + recordId + "/proof")).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + patient.token()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200
                    && "ANCHORED".equals(JSON.readTree(response.body()).path("status").asText());
        } catch (Exception e) {
            return false;
        }
    }
}
