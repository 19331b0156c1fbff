package health.ehr.system.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import health.ehr.events.Ids;
import health.ehr.support.testing.LocalStack;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, data at rest: a record whose content carries a unique marker is uploaded through the
 * gateway; then the S3 server's files, a dump of every {@code ehr_*} database, the Kafka log
 * segments and the local stack's server logs written since are searched for the marker as UTF-8,
 * UTF-16, base64 (every alignment) and hex. None may hold it. Positive controls keep the check from
 * passing vacuously: the search finds the marker in every encoding when it is there, the record's own
 * S3 object is among the files searched, and the dump holds the new record's row.
 *
 * <p>Only the content is secret here: docs/api.md returns title, description and file name as plain
 * metadata of {@code Record}, so they carry no marker.
 */
class DataAtRestIT {

    private static final Path STATE = state();

    @Test
    void anUploadedRecordsContentIsNowhereInPlaintextAtRest() throws Exception {
        String marker = "EHR-AT-REST-" + UUID.randomUUID().toString().replace("-", "");
        Map<String, byte[]> patterns = patterns(marker);
        assertSearchFindsEveryEncoding(marker, patterns);

        Instant started = Instant.now().minusSeconds(2);
        LocalStack.Party patient = LocalStack.registerPatient("at-rest");
        byte[] content = ("Discharge summary\n\nFindings: " + marker + "\nPlan: rest, fluids, review in 2 weeks.\n"
                + "x".repeat(3000)).getBytes(StandardCharsets.UTF_8);
        JsonNode record = Gateway.upload(patient.id().toString(), patient.token(), "Discharge summary", "summary.txt",
                content);
        String recordId = record.get("recordId").asText();
        assertEquals(200, Gateway.get("/api/records/" + recordId + "/content", patient.token()).status());

        Path blobs = STATE.resolve("data/s3/blobs");
        Path object = blobs.resolve(LocalStack.env("EHR_S3_BUCKET", "ehr-records")).resolve("records")
                .resolve(recordId);
        assertTrue(Files.isRegularFile(object), "the record's S3 object is where s3proxy keeps it: " + object);
        assertTrue(Files.size(object) >= content.length, "the object holds the whole (encrypted) content");
        List<Path> s3 = writtenSince(blobs, started, p -> true);
        assertTrue(s3.contains(object), "the search covers the record's own object");
        List<Path> kafka = writtenSince(STATE.resolve("data/kafka/logs"), started, p -> p.toString().endsWith(".log"));
        List<Path> logs = writtenSince(STATE.resolve("logs"), started, p -> true);

        UUID id = UUID.fromString(recordId);
        String idHex = HexFormat.of().withUpperCase().formatHex(Ids.bytes(id));
        Map<String, byte[]> withControls = new LinkedHashMap<>(patterns);
        withControls.put("control: record id as BINARY(16)", idHex.getBytes(StandardCharsets.US_ASCII));
        withControls.put("control: record id as text", recordId.getBytes(StandardCharsets.US_ASCII));
        Dump dump = dump(withControls);
        assertTrue(dump.found().stream().anyMatch(f -> f.contains("control: record id")),
                "the dump holds the new record's row (it is fresh and covers ehr_records): " + dump.found());

        List<String> found = new ArrayList<>();
        for (Path file : s3) {
            found.addAll(search("S3 " + blobs.relativize(file), Files.readAllBytes(file), patterns));
        }
        for (Path file : kafka) {
            found.addAll(search("Kafka " + file.getFileName(), Files.readAllBytes(file), patterns));
        }
        for (Path file : logs) {
            found.addAll(search("log " + file.getFileName(), Files.readAllBytes(file), patterns));
        }
        dump.found().stream().filter(f -> !f.contains("control: ")).forEach(found::add);
        System.out.println("data at rest: searched " + s3.size() + " S3 files, " + kafka.size()
                + " Kafka segments, " + logs.size() + " server logs and a " + dump.bytes() / (1024 * 1024)
                + " MiB dump of " + dump.databases() + " for " + patterns.size() + " encodings");
        assertTrue(found.isEmpty(), "plaintext of a record at rest:\n" + String.join("\n", found));
    }

    /** The marker as it could be stored: plain, UTF-16, base64 at each alignment, hex. */
    static Map<String, byte[]> patterns(String marker) {
        byte[] utf8 = marker.getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> patterns = new LinkedHashMap<>();
        patterns.put("UTF-8", utf8);
        patterns.put("UTF-16LE", marker.getBytes(StandardCharsets.UTF_16LE));
        patterns.put("UTF-16BE", marker.getBytes(StandardCharsets.UTF_16BE));
        for (int offset = 0; offset < 3; offset++) {
            byte[] shifted = new byte[offset + utf8.length];
            System.arraycopy(utf8, 0, shifted, offset, utf8.length);
            String b64 = Base64.getEncoder().withoutPadding().encodeToString(shifted);
            // Keep only the 4-character groups that depend on the marker alone.
            String stable = b64.substring(offset == 0 ? 0 : 4, (b64.length() / 4) * 4 - 4);
            patterns.put("base64+" + offset, stable.getBytes(StandardCharsets.US_ASCII));
            patterns.put("base64url+" + offset, stable.replace('+', '-').replace('/', '_')
                    .getBytes(StandardCharsets.US_ASCII));
        }
        patterns.put("hex", HexFormat.of().formatHex(utf8).getBytes(StandardCharsets.US_ASCII));
        patterns.put("HEX", HexFormat.of().withUpperCase().formatHex(utf8).getBytes(StandardCharsets.US_ASCII));
        patterns.put("HEX of UTF-16LE", HexFormat.of().withUpperCase()
                .formatHex(marker.getBytes(StandardCharsets.UTF_16LE)).getBytes(StandardCharsets.US_ASCII));
        return patterns;
    }

    /** Positive control: each encoding of the marker, hidden in noise, is found by the same search. */
    private static void assertSearchFindsEveryEncoding(String marker, Map<String, byte[]> patterns) throws Exception {
        Random random = new Random(1);
        byte[] noise = new byte[4096];
        random.nextBytes(noise);
        for (int offset = 0; offset < 3; offset++) {
            ByteArrayOutputStream plain = new ByteArrayOutputStream();
            plain.write(noise, 0, 100 + offset);
            plain.write(marker.getBytes(StandardCharsets.UTF_8));
            plain.write(noise, 200, 50);
            String b64 = Base64.getEncoder().encodeToString(plain.toByteArray());
            assertTrue(search("control", ("x" + b64 + "x").getBytes(StandardCharsets.US_ASCII), patterns).size() > 0,
                    "the search finds base64 at alignment " + offset);
            assertTrue(search("control", ("x" + b64.replace('+', '-').replace('/', '_') + "x")
                    .getBytes(StandardCharsets.US_ASCII), patterns).size() > 0, "the search finds base64url " + offset);
        }
        for (Map.Entry<String, byte[]> pattern : patterns.entrySet()) {
            ByteArrayOutputStream hidden = new ByteArrayOutputStream();
            hidden.write(noise, 0, 1000);
            hidden.write(pattern.getValue());
            hidden.write(noise, 1000, 1000);
            assertTrue(search("control", hidden.toByteArray(), patterns).stream()
                    .anyMatch(f -> f.contains(pattern.getKey())), "the search finds " + pattern.getKey());
        }
        assertTrue(search("control", noise, patterns).isEmpty(), "noise alone holds no marker");
    }

    private static List<String> search(String where, byte[] data, Map<String, byte[]> patterns) {
        return search(where, new String(data, StandardCharsets.ISO_8859_1), 0, patterns);
    }

    /** Byte-exact search: ISO-8859-1 maps every byte to one char, and String.indexOf is fast. */
    private static List<String> search(String where, String data, long base, Map<String, byte[]> patterns) {
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, byte[]> pattern : patterns.entrySet()) {
            int at = data.indexOf(new String(pattern.getValue(), StandardCharsets.ISO_8859_1));
            if (at >= 0) {
                found.add(where + ": the marker as " + pattern.getKey() + " at byte " + (base + at));
            }
        }
        return found;
    }

    private static List<Path> writtenSince(Path dir, Instant since, java.util.function.Predicate<Path> wanted)
            throws IOException {
        FileTime from = FileTime.from(since);
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(wanted).filter(p -> {
                try {
                    return Files.getLastModifiedTime(p).compareTo(from) >= 0;
                } catch (IOException e) {
                    return false; // a file removed while walking (a deleted record, a rolled segment)
                }
            }).toList();
        }
    }

    /** What the search of a dump found, how big it was and which databases it covered. */
    private record Dump(List<String> found, long bytes, String databases) {
    }

    /**
     * Streams {@code mysqldump} of every ehr_* database (as root over the local socket, else as the
     * platform's user over TCP) through the search, in overlapping chunks, without holding it all.
     */
    private static Dump dump(Map<String, byte[]> patterns) throws Exception {
        List<String> viaSocket = List.of("--socket=" + socket(), "-uroot");
        List<String> viaTcp = List.of("--protocol=TCP", "-h127.0.0.1", "-P" + LocalStack.env("EHR_DB_PORT", "3306"),
                "-u" + LocalStack.env("EHR_DB_USER", "ehr"), "-p" + LocalStack.env("EHR_DB_PASSWORD", "ehr"));
        for (List<String> login : List.of(viaSocket, viaTcp)) {
            List<String> list = new ArrayList<>(List.of("mysql", "-N", "-B"));
            list.addAll(login);
            list.addAll(List.of("-e", "SHOW DATABASES LIKE 'ehr\\_%'"));
            Process names = new ProcessBuilder(list).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String databases = new String(names.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!names.waitFor(1, TimeUnit.MINUTES) || names.exitValue() != 0 || databases.isEmpty()) {
                continue;
            }
            List<String> command = new ArrayList<>(List.of("mysqldump", "--single-transaction", "--skip-lock-tables",
                    "--hex-blob", "--skip-comments"));
            command.addAll(login);
            command.add("--databases");
            command.addAll(List.of(databases.split("\\s+")));
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            int overlap = patterns.values().stream().mapToInt(p -> p.length).max().orElse(1) - 1;
            java.util.Set<String> found = new java.util.LinkedHashSet<>();
            long total = 0;
            try (InputStream in = process.getInputStream()) {
                byte[] buffer = new byte[8 * 1024 * 1024];
                int kept = 0;
                int n;
                while ((n = in.readNBytes(buffer, kept, buffer.length - kept)) > 0) {
                    int filled = kept + n;
                    for (String hit : search("mysqldump", new String(buffer, 0, filled, StandardCharsets.ISO_8859_1),
                            total - kept, patterns)) {
                        found.add(hit.replaceAll(" at byte \\d+$", ""));
                    }
                    total += n;
                    kept = Math.min(overlap, filled);
                    System.arraycopy(buffer, filled - kept, buffer, 0, kept);
                }
            }
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("mysqldump did not finish");
            }
            assertEquals(0, process.exitValue(), "mysqldump failed");
            return new Dump(new ArrayList<>(found), total, databases.replaceAll("\\s+", ", "));
        }
        throw new AssertionError("cannot reach the local MariaDB with mysql/mysqldump (socket " + socket() + ")");
    }

    /** The local stack's state folder (deploy/local/platform: EHR_STATE_DIR, else .local in the checkout). */
    private static Path state() {
        try {
            return Path.of(LocalStack.env("EHR_STATE_DIR", LocalStack.repositoryRoot().resolve(".local").toString()))
                    .toRealPath();
        } catch (IOException e) {
            throw new IllegalStateException("no local stack state folder", e);
        }
    }

    /** The MariaDB socket as deploy/local/platform places it (a hashed name under /tmp for long paths). */
    private static String socket() throws Exception {
        String socket = STATE.resolve("run/mariadb.sock").toString();
        if (socket.length() > 100) {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(STATE.toString().getBytes(StandardCharsets.UTF_8));
            socket = "/tmp/ehr-mariadb-" + HexFormat.of().formatHex(hash).substring(0, 12) + ".sock";
        }
        return socket;
    }
}
