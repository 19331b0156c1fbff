package health.ehr.records.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import health.ehr.support.testing.LocalStack;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Records benchmarks against the local stack's S3 server; figures printed, never asserted as
 * timings. Run with {@code mvn -pl records-service -am package -Pbench -DskipStack} with the stack
 * up: the packaged service is started as its own process with {@code -Xmx128m} on port 18082, so
 * the 1 GiB round trip also proves that neither upload nor download holds a record in memory.
 */
class RecordsBenchmark {

    private static final int PORT = 18082;
    private URL records;
    private Process service;

    @org.junit.jupiter.api.BeforeEach
    void startServiceWithSmallHeap() throws Exception {
        java.nio.file.Path root = LocalStack.repositoryRoot();
        ProcessBuilder builder = new ProcessBuilder("java", "-Xmx128m", "-jar",
                root.resolve("records-service/target/quarkus-app/quarkus-run.jar").toString())
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("records-service/target/bench-service.log").toFile());
        java.util.Map<String, String> env = builder.environment();
        // The local stack's public, local-only settings (deploy/local/services.env).
        for (String line : java.nio.file.Files.readAllLines(root.resolve("deploy/local/services.env"))) {
            if (!line.isBlank() && !line.startsWith("#") && line.contains("=")) {
                env.putIfAbsent(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        env.put("EHR_RECORDS_PORT", Integer.toString(PORT));
        env.put("QUARKUS_HIBERNATE_ORM_DATABASE_VERSION_CHECK_ENABLED", "false");
        // The disposable test database, cleaned at start: the bench never touches the stack's data.
        env.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:mysql://127.0.0.1:3306/ehr_records_test");
        env.put("QUARKUS_FLYWAY_CLEAN_DISABLED", "false");
        env.put("QUARKUS_FLYWAY_CLEAN_AT_START", "true");
        env.putIfAbsent("EHR_S3_ACCESS_KEY", "ehr-local");
        env.putIfAbsent("EHR_S3_SECRET_KEY", "ehr-local-secret");
        service = builder.start();
        records = new URL("http://localhost:" + PORT + "/api/records");
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + PORT + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("records-service did not become ready; see target/bench-service.log");
    }

    @org.junit.jupiter.api.AfterEach
    void stopService() throws InterruptedException {
        if (service != null) {
            service.destroy();
            service.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static final long MIB = 1024 * 1024;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final MinioClient S3 = MinioClient.builder().endpoint("http://localhost:9000")
            .credentials("ehr-local", "ehr-local-secret").region("us-east-1").build();

    @Test
    void streamingThroughputAgainstRawObjectStorageAndSmallRecordRate() throws Exception {
        LocalStack.Party patient = LocalStack.registerPatient();
        long size = 256 * MIB;

        // Baseline: the same bytes put straight into the same S3 server with MinIO's client.
        long t0 = System.nanoTime();
        S3.putObject(PutObjectArgs.builder().bucket("ehr-records").object("bench/raw")
                .stream(new PatternStream(size), -1, 16 * MIB).build());
        double rawPut = mibPerSecond(size, System.nanoTime() - t0);
        t0 = System.nanoTime();
        try (InputStream in = S3.getObject(io.minio.GetObjectArgs.builder().bucket("ehr-records").object("bench/raw").build())) {
            drain(in);
        }
        double rawGet = mibPerSecond(size, System.nanoTime() - t0);
        S3.removeObject(RemoveObjectArgs.builder().bucket("ehr-records").object("bench/raw").build());

        t0 = System.nanoTime();
        String recordId = upload(patient, size);
        double upload = mibPerSecond(size, System.nanoTime() - t0);
        t0 = System.nanoTime();
        long read = download(patient, recordId);
        double download = mibPerSecond(size, System.nanoTime() - t0);
        assertEquals(size, read);

        t0 = System.nanoTime();
        String big = upload(patient, 1024 * MIB);
        long bigRead = download(patient, big);
        double gibRoundTrip = (System.nanoTime() - t0) / 1e9;
        assertEquals(1024 * MIB, bigRead);

        // Small records: 10 KiB each, 16 concurrent clients, straight to the service.
        int count = 1600;
        int clients = 16;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicLong failures = new AtomicLong();
        t0 = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(pool.submit(() -> {
                long s = System.nanoTime();
                try {
                    upload(patient, 10 * 1024);
                    latencies.add(System.nanoTime() - s);
                } catch (Exception e) {
                    failures.incrementAndGet();
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        double smallRate = count / ((System.nanoTime() - t0) / 1e9);
        pool.shutdown();
        Collections.sort(latencies);

        System.out.printf(Locale.ROOT, "%n=== records-service benchmark (service heap -Xmx128m, own process) ===%n");
        System.out.printf(Locale.ROOT, "raw S3 put 256 MiB          %8.1f MiB/s%n", rawPut);
        System.out.printf(Locale.ROOT, "upload 256 MiB via service  %8.1f MiB/s   ratio %.2f of raw put%n", upload, upload / rawPut);
        System.out.printf(Locale.ROOT, "raw S3 get 256 MiB          %8.1f MiB/s%n", rawGet);
        System.out.printf(Locale.ROOT, "download 256 MiB decrypted  %8.1f MiB/s   ratio %.2f of raw get%n", download, download / rawGet);
        System.out.printf(Locale.ROOT, "1 GiB upload + download     %8.1f s (completed with the heap above)%n", gibRoundTrip);
        System.out.printf(Locale.ROOT, "10 KiB uploads, 16 clients  %8.1f /s   p50 %.1f ms  p99 %.1f ms  failures %d%n",
                smallRate, percentile(latencies, 0.50), percentile(latencies, 0.99), failures.get());
    }

    private String upload(LocalStack.Party patient, long size) throws IOException, InterruptedException {
        String boundary = "bench" + UUID.randomUUID().toString().replace("-", "");
        String head = field(boundary, "patientId", patient.id().toString()) + field(boundary, "category", "IMAGING")
                + field(boundary, "title", "benchmark") + "--" + boundary + "\r\nContent-Disposition: form-data;"
                + " name=\"file\"; filename=\"bench.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        InputStream body = new SequenceInputStream(Collections.enumeration(List.of(
                new java.io.ByteArrayInputStream(head.getBytes(StandardCharsets.UTF_8)), new PatternStream(size),
                new java.io.ByteArrayInputStream(tail.getBytes(StandardCharsets.UTF_8)))));
        long length = head.length() + size + tail.length();
        HttpRequest request = HttpRequest.newBuilder(URI.create(records.toString()))
                .header("Authorization", "Bearer " + patient.token())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body), length))
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("upload answered " + response.statusCode() + ": " + response.body());
        }
        String json = response.body();
        int at = json.indexOf("\"recordId\":\"") + 12;
        return json.substring(at, at + 36);
    }

    private long download(LocalStack.Party patient, String recordId) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(records + "/" + recordId + "/content"))
                .header("Authorization", "Bearer " + patient.token()).GET().build();
        HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            return drain(in);
        }
    }

    private static String field(String boundary, String name, String value) {
        return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }

    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[256 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
        }
        return total;
    }

    private static double mibPerSecond(long bytes, long nanos) {
        return bytes / (double) MIB / (nanos / 1e9);
    }

    private static double percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
    }

    /** {@code size} bytes of a cheap, non-repeating-enough pattern, generated as read. */
    static final class PatternStream extends InputStream {
        private final long size;
        private long position;

        PatternStream(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            return position < size ? (int) ((position++ * 31 + (position >>> 12)) & 0xff) : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) ((position * 31 + (position >>> 12)) & 0xff);
                position++;
            }
            return n;
        }
    }
}
