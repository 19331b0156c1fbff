package health.ehr.records.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import health.ehr.records.testing.CuttingRelay;
import health.ehr.records.testing.TestBucket;
import health.ehr.support.testing.LocalStack;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * S3 failing in the middle of an upload (every connection to the real S3 server is reset after
 * 3 MiB, see {@link CuttingRelay}): the client gets a 503 problem, and no metadata row, no object and
 * no unfinished multipart upload remain.
 */
@QuarkusTest
@WithTestResource(CuttingRelay.class)
class StorageFailureTest {

    @Test
    void anObjectStorageFailureHalfWayIs503AndLeavesNothing() {
        smallPassesBigFailsAndLeavesNothing(LocalStack.registerPatient("s3-failure"), 41);
    }

    /**
     * Through a relay that passes small requests and spoils big ones: a small record goes through and
     * reads back; a 12 MiB one gets a 503 storage problem and leaves no object, no unfinished
     * multipart upload and no record behind.
     */
    static void smallPassesBigFailsAndLeavesNothing(LocalStack.Party patient, int seed) {
        byte[] small = RecordsResourceTest.content(200_000, seed);
        String recordId = RecordsResourceTest.upload(patient, patient.id().toString(), small, "small.bin")
                .then().statusCode(201).extract().path("recordId");
        assertArrayEquals(small, given().auth().oauth2(patient.token())
                .when().get("/api/records/" + recordId + "/content").then().statusCode(200).extract().asByteArray());
        Set<String> objectsBefore = TestBucket.objects();
        Set<String> unfinishedBefore = TestBucket.unfinishedUploads();

        RecordsResourceTest.upload(patient, patient.id().toString(),
                        RecordsResourceTest.content(12 * 1024 * 1024, seed + 1), "big.bin")
                .then().statusCode(503)
                .contentType("application/problem+json")
                .body("type", equalTo("https://ehr.health/problems/storage-unavailable"));

        assertEquals(objectsBefore, TestBucket.objects(), "no object was stored");
        assertEquals(unfinishedBefore, TestBucket.unfinishedUploads(), "the multipart upload was aborted");
        given().auth().oauth2(patient.token()).when().get("/api/records")
                .then().statusCode(200).body("total", equalTo(1));
    }
}
