package health.ehr.records.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import health.ehr.records.client.ReadAhead;
import health.ehr.records.client.S3Http;
import health.ehr.records.service.EnvelopeCipher;
import health.ehr.support.testing.BenchFigure;
import health.ehr.support.testing.LocalStack;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
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
class RecordsBench {

    private static final int PORT = 18082;
    private URI records;
    private Process service;

    @org.junit.jupiter.api.BeforeEach
    void startServiceWithSmallHeap() throws Exception {
        java.nio.file.Path root = LocalStack.repositoryRoot();
        List<String> command = new ArrayList<>(List.of("java", "-Xmx128m"));
        // e.g. -Dbench.jvmArgs="-XX:StartFlightRecording=filename=target/bench.jfr" to profile the service
        String extra = System.getProperty("bench.jvmArgs", "").strip();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-jar", root.resolve("records-service/target/quarkus-app/quarkus-run.jar").toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
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
        // Its own consumer group: the bench service must not take the running stack's events.
        env.put("EHR_MESSAGING_CONSUMER_GROUP", "records-service-bench");
        skipEventHistory("records-service-bench");
        env.put("QUARKUS_HIBERNATE_ORM_DATABASE_VERSION_CHECK_ENABLED", "false");
        // The disposable test database, cleaned at start: the bench never touches the stack's data.
        env.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:mysql://127.0.0.1:3306/ehr_records_test");
        env.put("QUARKUS_FLYWAY_CLEAN_DISABLED", "false");
        env.put("QUARKUS_FLYWAY_CLEAN_AT_START", "true");
        env.putIfAbsent("EHR_S3_ACCESS_KEY", "ehr-local");
        env.putIfAbsent("EHR_S3_SECRET_KEY", "ehr-local-secret");
        service = builder.start();
        records = URI.create("http://localhost:" + PORT + "/api/records");
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

    /**
     * Commits the bench group's offsets at the end of the topics records-service reads. Profiled: a
     * bench service that started from its group's old offsets spent more CPU marking the anchoring
     * benchmark's 100,000-record batches (none of them its records) than on the uploads it was
     * measured for, while they ran.
     */
    private static void skipEventHistory(String group) {
        java.util.Map<String, Object> props = java.util.Map.of(
                "bootstrap.servers", System.getenv().getOrDefault("EHR_KAFKA_BOOTSTRAP", "localhost:9092"),
                "group.id", group, "enable.auto.commit", false);
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> kafka =
                new org.apache.kafka.clients.consumer.KafkaConsumer<>(props,
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(health.ehr.events.Topics.ANCHOR, health.ehr.events.Topics.CONSENT)) {
                for (org.apache.kafka.common.PartitionInfo info : kafka.partitionsFor(topic, Duration.ofSeconds(10))) {
                    partitions.add(new org.apache.kafka.common.TopicPartition(topic, info.partition()));
                }
            }
            java.util.Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata>
                    ends = new java.util.HashMap<>();
            kafka.endOffsets(partitions, Duration.ofSeconds(10)).forEach((partition, end) ->
                    ends.put(partition, new org.apache.kafka.clients.consumer.OffsetAndMetadata(end)));
            kafka.commitSync(ends, Duration.ofSeconds(10));
        }
    }

    @org.junit.jupiter.api.AfterEach
    void stopService() throws InterruptedException {
        if (service != null) {
            service.destroy();
            service.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static final long MIB = 1024 * 1024;
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private final List<Double> uploads = new ArrayList<>();
    private final List<Double> rawPuts = new ArrayList<>();
    private final List<Double> downloads = new ArrayList<>();
    private final List<Double> rawGets = new ArrayList<>();
    private final List<Double> ceilings = new ArrayList<>();
    private double rawSmallRate;

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    // The baseline's MinIO client runs on the service's HTTP client settings (S3Http), so that raw
    // puts and gets are not held back by OkHttp's defaults either.
    private static final MinioClient S3 = minio(S3Http.client());
    // The relay ceiling's S3 client is the service's: without OkHttp's per-read timeout on object GETs.
    private static final MinioClient RELAY_S3 = minio(S3Http.client().newBuilder()
            .addInterceptor(ReadAhead::untimedObjectGets).build());
    private static final byte[] RELAY_AAD = "bench".getBytes(StandardCharsets.US_ASCII);

    /** A MinIO client for the local stack's S3 server (its local-only credentials) over {@code http}. */
    private static MinioClient minio(okhttp3.OkHttpClient http) {
        return MinioClient.builder().endpoint("http://localhost:9000").httpClient(http)
                .credentials("ehr-local", "ehr-local-secret").region("us-east-1").build();
    }

    @Test
    void streamingThroughputAgainstRawObjectStorageAndSmallRecordRate() throws Exception {
        // -Dbench.parts=stream,gib,floor,small,gateway (default: all); gateway measures the stack's own
        // records-service (:8082) through the gateway (:8080) and directly, with the same clients.
        List<String> parts = List.of(System.getProperty("bench.parts", "stream,gib,floor,small,gateway").split(","));
        LocalStack.Party patient = LocalStack.registerPatient();
        long size = 256 * MIB;
        System.out.printf(Locale.ROOT, "%n=== records-service benchmark (service heap -Xmx128m, own process) ===%n");

        if (parts.contains("stream")) {
            // Warm-up of both paths (JIT), so that the figures below are steady-state ones.
            for (int i = 0; i < 4; i++) {
                rawPut(32 * MIB);
                rawGet();
                String warm = upload(records, patient, 32 * MIB);
                download(records, patient, warm);
                erase(records, patient, warm);
                relay(32 * MIB, seal(32 * MIB));
            }
            // Rounds alternate baseline and service, so that load changes on the shared machine hit
            // both alike; the median ratio is the figure.
            int rounds = Integer.getInteger("bench.rounds", 5);
            List<Double> upRatios = new ArrayList<>();
            List<Double> downRatios = new ArrayList<>();
            List<Double> ceilingRatios = new ArrayList<>();
            List<Double> cpuBoundRatios = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                double[] c0 = cpu();
                long t0 = System.nanoTime();
                rawPut(size);
                double rawPut = mibPerSecond(size, System.nanoTime() - t0);
                double[] c1 = cpu();
                t0 = System.nanoTime();
                String recordId = upload(records, patient, size);
                double upload = mibPerSecond(size, System.nanoTime() - t0);
                double[] c2 = cpu();
                t0 = System.nanoTime();
                rawGet();
                double rawGet = mibPerSecond(size, System.nanoTime() - t0);
                double[] c3 = cpu();
                t0 = System.nanoTime();
                long read = download(records, patient, recordId);
                double download = mibPerSecond(size, System.nanoTime() - t0);
                double[] c4 = cpu();
                assertEquals(size, read);
                StreamingAead sealed = seal(size);
                double[] c5 = cpu();
                t0 = System.nanoTime();
                double ceiling = relay(size, sealed);
                long relayNanos = System.nanoTime() - t0;
                double[] c6 = cpu();
                unseal();
                erase(records, patient, recordId);
                S3.removeObject(RemoveObjectArgs.builder().bucket("ehr-records").object("bench/raw").build());
                upRatios.add(upload / rawPut);
                downRatios.add(download / rawGet);
                ceilingRatios.add(ceiling / rawGet);
                ceilings.add(ceiling);
                // The relay's CPU per byte (itself, its reader and the S3 server) spread over both cores
                // at 100 %: the throughput no pipeline of this work can exceed on this machine.
                double relayCpu = c6[0] - c5[0] + c6[2] - c5[2];
                double cpuBound = relayCpu > 0 ? size / (double) MIB / (relayCpu / CORES) : Double.NaN;
                cpuBoundRatios.add(cpuBound / rawGet);
                uploads.add(upload);
                rawPuts.add(rawPut);
                downloads.add(download);
                rawGets.add(rawGet);
                System.out.printf(Locale.ROOT, "round %d  raw S3 put 256 MiB          %8.1f MiB/s%s%n", round, rawPut,
                        cpuSince(c0, c1));
                System.out.printf(Locale.ROOT, "round %d  upload 256 MiB via service  %8.1f MiB/s  ratio %.2f%s%n",
                        round, upload, upload / rawPut, cpuSince(c1, c2));
                System.out.printf(Locale.ROOT, "round %d  raw S3 get 256 MiB          %8.1f MiB/s%s%n", round, rawGet,
                        cpuSince(c2, c3));
                System.out.printf(Locale.ROOT, "round %d  download 256 MiB decrypted  %8.1f MiB/s  ratio %.2f%s%n",
                        round, download, download / rawGet, cpuSince(c3, c4));
                System.out.printf(Locale.ROOT, "round %d  relay ceiling 256 MiB       %8.1f MiB/s  ratio %.2f   cpu s: "
                        + "relay+reader %.2f  s3 %.2f  (%.0f %% of %d cores; "
                        + "at 100 %% at most %.0f MiB/s, ratio %.2f)%n",
                        round, ceiling, ceiling / rawGet, c6[0] - c5[0], c6[2] - c5[2],
                        100 * relayCpu / (CORES * relayNanos / 1e9), CORES, cpuBound, cpuBound / rawGet);
            }
            System.out.printf(Locale.ROOT,
                    "median ratio over %d rounds: upload %.2f of raw put, download %.2f of raw get%n", rounds,
                    median(upRatios), median(downRatios));
            BenchFigure.of("records-service", "records.upload.256mib", "Upload 256 MiB through the service (-Xmx128m)")
                    .value(median(uploads), "MiB/s")
                    .baseline(median(rawPuts), "MiB/s", "MinIO-client put of the same bytes, same run")
                    .ratio(median(upRatios), "median over " + rounds + " alternating rounds of upload / raw put")
                    .ratioAtLeast(0.8, "upload >= 0.8 of raw MinIO put, 256 MiB").print();
            BenchFigure.of("records-service", "records.download.256mib", "Download 256 MiB, decrypted (-Xmx128m)")
                    .value(median(downloads), "MiB/s")
                    .baseline(median(rawGets), "MiB/s", "MinIO-client get of the same object, same run")
                    .ratio(median(downRatios), "median over " + rounds + " alternating rounds of download / raw get")
                    .ratioAtLeast(0.8, "download >= 0.8 of raw MinIO get, 256 MiB").print();
            BenchFigure.of("records-service", "records.download.ceiling",
                            "Relay ceiling 256 MiB: get + decrypt + loopback socket, no HTTP server")
                    .value(median(ceilings), "MiB/s")
                    .baseline(median(rawGets), "MiB/s", "MinIO-client get of the same object, same run")
                    .ratio(median(ceilingRatios), "median over " + rounds + " rounds of relay / raw get: the most any "
                            + "download through a service can reach here")
                    .notes(String.format(Locale.ROOT, "service download / ceiling %.2f; the relay's CPU per byte on "
                            + "all %d cores at 100 %% would allow at most ratio %.2f (median)",
                            median(downloads) / median(ceilings), CORES, median(cpuBoundRatios)))
                    .print();
        }

        if (parts.contains("gib")) {
            long t0 = System.nanoTime();
            String big = upload(records, patient, 1024 * MIB);
            long bigRead = download(records, patient, big);
            double gibRoundTrip = (System.nanoTime() - t0) / 1e9;
            assertEquals(1024 * MIB, bigRead);
            erase(records, patient, big);
            System.out.printf(Locale.ROOT, "1 GiB upload + download     %8.1f s (completed with the heap above)%n",
                    gibRoundTrip);
            BenchFigure.of("records-service", "records.roundtrip.1gib",
                            "1 GiB upload + download, service heap -Xmx128m")
                    .value(gibRoundTrip, "s")
                    .target("1 GiB upload + download with a 128 MiB heap succeeds", bigRead == 1024 * MIB).print();
        }

        if (parts.contains("floor")) {
            rawSmallPuts();
        }
        if (parts.contains("small")) {
            smallRecords("10 KiB uploads, 16 clients, bench service (-Xmx128m)", records, patient, service.pid());
        }
        if (parts.contains("gateway")) {
            LocalStack.Party stackPatient = LocalStack.registerPatient();
            long stackService = pidFile("records-service");
            smallRecords("10 KiB uploads, 16 clients, stack service :8082 direct",
                    URI.create(LocalStack.serviceUrl("EHR_RECORDS_PORT", 8082) + "/api/records"), stackPatient,
                    stackService);
            smallRecords("10 KiB uploads, 16 clients, through the gateway :8080",
                    URI.create(LocalStack.gatewayUrl() + "/api/records"), stackPatient, stackService);
        }
        // After every measurement, so that the erasures' own work (events, deletions) never overlaps one.
        eraseSmallRecords();
    }

    /** The floor under the small-record rate: 10 KiB MinIO-client puts straight to S3, 16 clients. */
    private void rawSmallPuts() throws Exception {
        int clients = 16;
        int count = Integer.getInteger("bench.smallCount", 10_000);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            byte[] bytes = new byte[10 * 1024];
            List<Future<?>> futures = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                String key = "bench/small-" + i;
                futures.add(pool.submit(() -> {
                    S3.putObject(PutObjectArgs.builder().bucket("ehr-records").object(key)
                            .stream(new java.io.ByteArrayInputStream(bytes), bytes.length, -1).build());
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            double rate = count / ((System.nanoTime() - t0) / 1e9);
            rawSmallRate = rate;
            System.out.printf(Locale.ROOT, "%-56s %8.1f /s%n", "raw S3 put of 10 KiB objects, 16 clients", rate);
            futures.clear();
            for (int i = 0; i < count; i++) {
                String key = "bench/small-" + i;
                futures.add(pool.submit(() -> {
                    S3.removeObject(RemoveObjectArgs.builder().bucket("ehr-records").object(key).build());
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    /** 10 KiB records, 16 concurrent clients, after a warm-up (JIT); prints rate and latencies. */
    private void smallRecords(String label, URI target, LocalStack.Party patient, long servicePid) throws Exception {
        int clients = 16;
        int count = Integer.getInteger("bench.smallCount", 10_000);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            // Warm-up: the JIT is still compiling the upload path after 1,000 uploads (profiled: a third of the
            // service's CPU went to the compiler threads then). Measured on the stack's service after a restart:
            // 5,000 warm-up uploads gave 433/s direct and 492/s through the gateway, 10,000 more 853/s and 862/s.
            runSmall(pool, target, patient, Integer.getInteger("bench.smallWarmup", 30_000), new ArrayList<>(),
                    new AtomicLong());
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            AtomicLong failures = new AtomicLong();
            long gateway = nginxWorker(pidFile("gateway-nginx"));
            double[] c0 = {cpuSeconds(ProcessHandle.current().pid()), cpuSeconds(servicePid), cpuSeconds(s3Pid()),
                cpuSeconds(gateway)};
            long t0 = System.nanoTime();
            runSmall(pool, target, patient, count, latencies, failures);
            double rate = count / ((System.nanoTime() - t0) / 1e9);
            double[] c1 = {cpuSeconds(ProcessHandle.current().pid()), cpuSeconds(servicePid), cpuSeconds(s3Pid()),
                cpuSeconds(gateway)};
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            System.out.printf(Locale.ROOT, "%-56s %8.1f /s   p50 %.1f ms  p99 %.1f ms  failures %d%n", label,
                    rate, percentile(sorted, 0.50), percentile(sorted, 0.99), failures.get());
            String id = label.contains("gateway") ? "records.small.gateway"
                    : label.contains("direct") ? "records.small.direct" : "records.small.bench";
            BenchFigure figure = BenchFigure.of("records-service", id, label).value(rate, "uploads/s")
                    .notes(String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, failures %d",
                            percentile(sorted, 0.50), percentile(sorted, 0.99), failures.get()));
            if (rawSmallRate > 0) {
                figure.baseline(rawSmallRate, "puts/s", "MinIO-client puts of 10 KiB, 16 clients, same run");
            }
            if (id.equals("records.small.gateway")) {
                figure.atLeast(800, ">= 800 small (10 KiB) uploads/s through the gateway at concurrency 16");
            }
            figure.print();
            System.out.printf(Locale.ROOT,
                    "%-56s cpu ms per upload: client %.2f  service %.2f  s3 %.2f  gateway %.2f%n", "",
                    (c1[0] - c0[0]) * 1000 / count, (c1[1] - c0[1]) * 1000 / count, (c1[2] - c0[2]) * 1000 / count,
                    (c1[3] - c0[3]) * 1000 / count);
        } finally {
            pool.shutdown();
        }
    }

    private void runSmall(ExecutorService pool, URI target, LocalStack.Party patient, int count, List<Long> latencies,
            AtomicLong failures) throws Exception {
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(pool.submit(() -> {
                long s = System.nanoTime();
                try {
                    uploaded.add(new Uploaded(target, patient, upload(target, patient, 10 * 1024)));
                    latencies.add(System.nanoTime() - s);
                } catch (Exception e) {
                    if (failures.incrementAndGet() == 1) {
                        System.out.println("first failure: " + e);
                    }
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
    }

    // The service is driven with OkHttp, the HTTP client under the baseline's MinIO client, so that
    // the ratios compare the servers, not two client libraries (both share the machine's two cores).
    // OkHttp leaves Nagle's algorithm on: a request written in several pieces (headers, then the body
    // in 8 KiB segments) then waits for the server's delayed ACK, up to 40 ms, with the CPUs idle. curl,
    // browsers, the JDK's HttpClient and nginx all set TCP_NODELAY; so does this client, with the
    // service's own S3 sockets (measured: 10 KiB uploads at 16 clients 315/s with a third of the CPU
    // idle without it, 545-563/s and no idle with it).
    private static final okhttp3.OkHttpClient OK = new okhttp3.OkHttpClient.Builder()
            .connectionPool(new okhttp3.ConnectionPool(32, 5, java.util.concurrent.TimeUnit.MINUTES))
            .socketFactory(new S3Http.NoDelaySocketFactory())
            .readTimeout(Duration.ofMinutes(10)).writeTimeout(Duration.ofMinutes(10)).build();

    private String upload(URI target, LocalStack.Party patient, long size) throws IOException {
        String boundary = "bench" + UUID.randomUUID().toString().replace("-", "");
        byte[] head = (field(boundary, "patientId", patient.id().toString()) + field(boundary, "category", "IMAGING")
                + field(boundary, "title", "benchmark") + "--" + boundary + "\r\nContent-Disposition: form-data;"
                + " name=\"file\"; filename=\"bench.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        okhttp3.MediaType type = okhttp3.MediaType.get("multipart/form-data; boundary=" + boundary);
        okhttp3.RequestBody body = new okhttp3.RequestBody() {
            @Override
            public okhttp3.MediaType contentType() {
                return type;
            }

            @Override
            public long contentLength() {
                return head.length + size + tail.length;
            }

            @Override
            public void writeTo(okio.BufferedSink sink) throws IOException {
                sink.write(head);
                PatternStream content = new PatternStream(size);
                byte[] buffer = new byte[64 * 1024];
                int n;
                while ((n = content.read(buffer, 0, buffer.length)) != -1) {
                    sink.write(buffer, 0, n);
                }
                sink.write(tail);
            }
        };
        okhttp3.Request request = new okhttp3.Request.Builder().url(target.toString())
                .header("Authorization", "Bearer " + patient.token()).post(body).build();
        try (okhttp3.Response response = OK.newCall(request).execute()) {
            String json = response.body().string();
            if (response.code() != 201) {
                throw new IllegalStateException("upload answered " + response.code() + ": " + json);
            }
            int at = json.indexOf("\"recordId\":\"") + 12;
            return json.substring(at, at + 36);
        }
    }

    /**
     * Erases the benchmark's records once measured (crypto-shredding: the object goes, a tombstone
     * stays): each run used to leave about 1.9 GB of large records and 1 GB of small ones on the
     * stack's disk, which filled it after some twenty runs.
     */
    private void erase(URI target, LocalStack.Party patient, String recordId) throws IOException {
        okhttp3.Request request = new okhttp3.Request.Builder().url(target + "/" + recordId)
                .header("Authorization", "Bearer " + patient.token()).delete().build();
        try (okhttp3.Response response = OK.newCall(request).execute()) {
            if (response.code() != 204) {
                throw new IllegalStateException("erasing " + recordId + " answered " + response.code());
            }
        }
    }

    /** A small record the benchmark uploaded, to erase once every figure is taken. */
    private record Uploaded(URI target, LocalStack.Party patient, String recordId) {
    }

    private final Queue<Uploaded> uploaded = new ConcurrentLinkedQueue<>();

    private void eraseSmallRecords() throws Exception {
        int total = uploaded.size();
        if (total == 0) {
            return;
        }
        System.out.printf(Locale.ROOT, "erasing the %,d small records uploaded (16 clients)%n", total);
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> futures = new ArrayList<>();
            AtomicLong erased = new AtomicLong();
            Uploaded record;
            while ((record = uploaded.poll()) != null) {
                Uploaded one = record;
                futures.add(pool.submit(() -> {
                    erase(one.target(), one.patient(), one.recordId());
                    long n = erased.incrementAndGet();
                    if (n % 20_000 == 0) {
                        System.out.printf(Locale.ROOT, "  %,d of %,d erased%n", n, total);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        System.out.printf(Locale.ROOT, "erased %,d in %.0f s%n", total, (System.nanoTime() - t0) / 1e9);
    }

    private long download(URI target, LocalStack.Party patient, String recordId) throws IOException {
        okhttp3.Request request = new okhttp3.Request.Builder().url(target + "/" + recordId + "/content")
                .header("Authorization", "Bearer " + patient.token()).get().build();
        try (okhttp3.Response response = OK.newCall(request).execute()) {
            if (response.code() != 200) {
                throw new IllegalStateException("download answered " + response.code());
            }
            try (InputStream in = response.body().byteStream()) {
                return drain(in);
            }
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

    /**
     * CPU seconds used so far by the bench client, the service under test and the S3 server (from
     * /proc; Linux only, -1 elsewhere): with every server on two shared cores, CPU is what a phase costs.
     */
    private double[] cpu() {
        return new double[] {cpuSeconds(ProcessHandle.current().pid()), cpuSeconds(service.pid()), cpuSeconds(s3Pid()),
            systemCpuSeconds(service.pid())};
    }

    private static String cpuSince(double[] before, double[] after) {
        return String.format(Locale.ROOT, "   cpu s: client %.1f  service %.1f (kernel %.1f)  s3 %.1f",
                after[0] - before[0], after[1] - before[1], after[3] - before[3], after[2] - before[2]);
    }

    private static double systemCpuSeconds(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[12]) / 100.0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The pid the local stack's script recorded for one of its processes, or -1. */
    private static long pidFile(String name) {
        try {
            return Long.parseLong(java.nio.file.Files.readString(LocalStack.repositoryRoot()
                    .resolve(".local/run/" + name + ".pid")).strip());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** nginx does its work in its (single) worker process, the master's child. */
    private static long nginxWorker(long master) {
        try {
            String children = java.nio.file.Files.readString(java.nio.file.Path.of(
                    "/proc/" + master + "/task/" + master + "/children")).strip();
            return children.isEmpty() ? -1 : Long.parseLong(children.split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long s3Pid() {
        return pidFile("s3");
    }

    private static double cpuSeconds(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0; // utime + stime, USER_HZ 100
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static void rawPut(long bytes) throws Exception {
        S3.putObject(PutObjectArgs.builder().bucket("ehr-records").object("bench/raw")
                .stream(new PatternStream(bytes), -1, 16 * MIB).build());
    }

    /** Stores {@code bytes} of the pattern as "bench/sealed", encrypted as a record is; returns the key. */
    private static StreamingAead seal(long bytes) throws Exception {
        StreamingAeadConfig.register();
        StreamingAead aead = KeysetHandle.generateNew(EnvelopeCipher.CONTENT_TEMPLATE)
                .getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
        java.io.PipedInputStream sealed = new java.io.PipedInputStream(1024 * 1024);
        java.io.PipedOutputStream sealing = new java.io.PipedOutputStream(sealed);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> encrypt = pool.submit(() -> {
                try (java.io.OutputStream out = aead.newEncryptingStream(sealing, RELAY_AAD);
                        InputStream in = new PatternStream(bytes)) {
                    in.transferTo(out);
                }
                return null;
            });
            S3.putObject(PutObjectArgs.builder().bucket("ehr-records").object("bench/sealed")
                    .stream(sealed, -1, 16 * MIB).build());
            encrypt.get();
            return aead;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The least work any download through a service must do on this machine, with the service's own
     * libraries and nothing else: MinIO-client get of the sealed object (read ahead as the service
     * does), Tink decryption, the plaintext written to a loopback TCP socket and drained by a reader
     * thread. No HTTP server, no authentication, no database. Its throughput bounds what the service
     * can reach (returns MiB/s).
     */
    private static double relay(long bytes, StreamingAead aead) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            long t0 = System.nanoTime();
            Future<Long> client = pool.submit(() -> {
                try (Socket socket = server.accept(); InputStream in = socket.getInputStream()) {
                    return drain(in);
                }
            });
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                    InputStream ciphertext = ReadAhead.of(RELAY_S3.getObject(
                            io.minio.GetObjectArgs.builder().bucket("ehr-records").object("bench/sealed").build()),
                            Duration.ofMinutes(1));
                    InputStream plaintext = aead.newDecryptingStream(ciphertext, RELAY_AAD)) {
                socket.setTcpNoDelay(true);
                java.io.OutputStream out = socket.getOutputStream();
                byte[] buffer = new byte[256 * 1024];
                int n;
                while ((n = plaintext.read(buffer)) != -1) {
                    out.write(buffer, 0, n);
                }
                socket.shutdownOutput();
                assertEquals(bytes, (long) client.get());
            }
            return mibPerSecond(bytes, System.nanoTime() - t0);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void unseal() throws Exception {
        S3.removeObject(RemoveObjectArgs.builder().bucket("ehr-records").object("bench/sealed").build());
    }

    private static void rawGet() throws Exception {
        try (InputStream in = S3.getObject(
                io.minio.GetObjectArgs.builder().bucket("ehr-records").object("bench/raw").build())) {
            drain(in);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
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
