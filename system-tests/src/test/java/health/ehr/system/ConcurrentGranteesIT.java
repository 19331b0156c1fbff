package health.ehr.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import health.ehr.support.testing.LocalStack;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Sixteen practitioners, each with an {@code all} consent of one patient that is ACTIVE on chain,
 * read that patient's records and list them at the same time through the gateway with the JDK
 * client: every answer is a 200 with the right bytes (every read by a grantee is appended to the
 * patient's one hash-chained access log; that append deadlocked and answered 500 before issue 20),
 * and the log is intact afterwards.
 */
class ConcurrentGranteesIT {

    private static final int GRANTEES = 16;
    private static final int ROUNDS = 12;
    private static final Duration CHAIN = Duration.ofSeconds(90);

    @Test
    void sixteenGranteesReadOnePatientsRecordsAtOnceWithoutAnError() throws Exception {
        LocalStack.Party patient = LocalStack.registerPatient("grantees-patient");
        List<String> records = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] content = new byte[10 * 1024];
            new Random(i).nextBytes(content);
            HttpResponse<String> uploaded = Api.upload(patient.id().toString(), patient.token(), content);
            assertEquals(201, uploaded.statusCode(), uploaded.body());
            records.add(Api.JSON.readTree(uploaded.body()).get("recordId").asText());
            contents.add(content);
        }

        List<LocalStack.Party> grantees = new ArrayList<>();
        List<String> consents = new ArrayList<>();
        for (int i = 0; i < GRANTEES; i++) {
            LocalStack.Party doctor = LocalStack.registerPractitioner("grantee-" + i);
            HttpResponse<String> granted = Api.send("POST", "/api/consents", patient.token(),
                    "{\"granteeId\":\"" + doctor.id() + "\",\"scope\":{\"all\":true},\"purpose\":\"treatment\","
                            + "\"expiresAt\":\"" + Instant.now().plus(30, ChronoUnit.DAYS) + "\"}");
            assertEquals(202, granted.statusCode(), granted.body());
            consents.add(Api.JSON.readTree(granted.body()).get("consentId").asText());
            grantees.add(doctor);
        }
        for (String consentId : consents) {
            Api.await("/api/consents/" + consentId, patient.token(), c -> "ACTIVE".equals(c.path("status").asText()),
                    CHAIN);
        }

        Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        AtomicInteger wrongBytes = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(GRANTEES);
        List<Future<?>> running = new ArrayList<>();
        for (LocalStack.Party doctor : grantees) {
            running.add(pool.submit(() -> {
                for (int round = 0; round < ROUNDS; round++) {
                    int k = round % records.size();
                    HttpResponse<byte[]> read = Api.get("/api/records/" + records.get(k) + "/content", doctor.token());
                    answers.computeIfAbsent("content " + read.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                    if (read.statusCode() == 200 && !java.util.Arrays.equals(contents.get(k), read.body())) {
                        wrongBytes.incrementAndGet();
                    }
                    HttpResponse<byte[]> list = Api.get("/api/records?patientId=" + patient.id(), doctor.token());
                    answers.computeIfAbsent("list " + list.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> reader : running) {
            reader.get();
        }
        pool.shutdown();

        Map<String, Integer> byAnswer = new TreeMap<>();
        answers.forEach((answer, n) -> byAnswer.put(answer, n.get()));
        assertEquals(Map.of("content 200", GRANTEES * ROUNDS, "list 200", GRANTEES * ROUNDS), byAnswer,
                "answers to 16 concurrent grantees");
        assertEquals(0, wrongBytes.get(), "reads whose bytes differ from the upload");
        JsonNode chain = Api.getJson("/api/records/access-log/verify", patient.token());
        assertTrue(chain.path("intact").asBoolean(), chain.toString());
        assertTrue(chain.path("entries").asInt() >= GRANTEES * ROUNDS, chain.toString());
        assertArrayEquals(contents.get(0), Api.get("/api/records/" + records.get(0) + "/content",
                grantees.get(0).token()).body());
    }
}
