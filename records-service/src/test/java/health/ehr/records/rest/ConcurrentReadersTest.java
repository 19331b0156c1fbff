package health.ehr.records.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import health.ehr.support.testing.LocalStack;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Sixteen practitioners read one patient's records at the same time, each read appended to the
 * patient's one access-log chain: every read succeeds (no deadlock answered 500, none refused), and
 * the chain stays intact with one entry per read.
 */
@QuarkusTest
class ConcurrentReadersTest {

    private static final int READERS = 16;
    private static final int READS_EACH = 25;

    @Test
    void sixteenReadersOfOnePatientAllSucceedAndTheLogStaysIntact() throws Exception {
        LocalStack.Party patient = LocalStack.registerPatient();
        byte[] bytes = RecordsResourceTest.content(10 * 1024, 21);
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            records.add(RecordsResourceTest.upload(patient, patient.id().toString(), bytes, "r" + i + ".bin")
                    .then().statusCode(201).extract().path("recordId"));
        }
        List<LocalStack.Party> readers = new ArrayList<>();
        for (int i = 0; i < READERS; i++) {
            LocalStack.Party doctor = LocalStack.registerPractitioner();
            for (String recordId : records) {
                given().auth().oauth2(doctor.token()).contentType(ContentType.JSON)
                        .body(Map.of("reason", "mass casualty triage, patient unconscious"))
                        .when().post("/api/records/" + recordId + "/emergency-access")
                        .then().statusCode(200);
            }
            readers.add(doctor);
        }

        Map<Integer, AtomicInteger> answers = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(READERS);
        List<Future<?>> running = new ArrayList<>();
        for (LocalStack.Party doctor : readers) {
            running.add(pool.submit(() -> {
                for (int n = 0; n < READS_EACH; n++) {
                    String recordId = records.get(n % records.size());
                    var answer = given().auth().oauth2(doctor.token())
                            .when().get("/api/records/" + recordId + "/content").then().extract();
                    answers.computeIfAbsent(answer.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                    if (answer.statusCode() == 200) {
                        assertArrayEquals(bytes, answer.asByteArray());
                    }
                }
                return null;
            }));
        }
        for (Future<?> reader : running) {
            reader.get();
        }
        pool.shutdown();

        Map<Integer, Integer> byStatus = new TreeMap<>();
        answers.forEach((status, n) -> byStatus.put(status, n.get()));
        assertEquals(Map.of(200, READERS * READS_EACH), byStatus, "answers by status");
        int grants = READERS * records.size();
        given().auth().oauth2(patient.token()).when().get("/api/records/access-log/verify")
                .then().statusCode(200)
                .body("intact", equalTo(true))
                .body("entries", equalTo(grants + READERS * READS_EACH));
    }
}
