package health.ehr.records.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import health.ehr.records.testing.TestBucket;
import health.ehr.support.testing.LocalStack;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A client whose connection dies half-way through an upload (the test profile's 5 MiB parts, so that
 * parts are already in S3 when it dies): no metadata row, no object and no unfinished multipart
 * upload remain, at once, without waiting for any sweeper.
 */
@QuarkusTest
class InterruptedUploadTest {

    private static final int MIB = 1024 * 1024;

    @TestHTTPResource("/api/records")
    URL records;

    @Test
    void aClientDyingHalfWayLeavesNoRowNoObjectAndNoUnfinishedUpload() throws Exception {
        LocalStack.Party patient = LocalStack.registerPatient("crash");
        Set<String> objectsBefore = TestBucket.objects();
        Set<String> unfinishedBefore = TestBucket.unfinishedUploads();

        String boundary = "crash" + System.nanoTime();
        String head = field(boundary, "patientId", patient.id().toString()) + field(boundary, "category", "IMAGING")
                + field(boundary, "title", "half a scan") + "--" + boundary + "\r\nContent-Disposition: form-data;"
                + " name=\"file\"; filename=\"scan.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        long announced = head.length() + 24L * MIB + tail.length();
        try (Socket socket = new Socket(records.getHost(), records.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + records.getPath() + " HTTP/1.1\r\nHost: " + records.getHost() + ":" + records.getPort()
                    + "\r\nAuthorization: Bearer " + patient.token()
                    + "\r\nContent-Type: multipart/form-data; boundary=" + boundary
                    + "\r\nContent-Length: " + announced + "\r\n\r\n" + head).getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = RecordsResourceTest.content(MIB, 31);
            for (int i = 0; i < 12; i++) {
                out.write(chunk);
            }
            out.flush();
            // Half the file is in: its first parts are on their way into S3 as a multipart upload.
            awaitTrue(() -> !unfinishedBefore.containsAll(TestBucket.unfinishedUploads()), Duration.ofSeconds(30),
                    "the upload's multipart upload begins");
            socket.setSoLinger(true, 0); // the client dies: its connection is reset, not closed cleanly
        }

        awaitTrue(() -> TestBucket.unfinishedUploads().equals(unfinishedBefore), Duration.ofSeconds(20),
                "the multipart upload is aborted");
        assertEquals(objectsBefore, TestBucket.objects(), "no object was stored");
        given().auth().oauth2(patient.token()).when().get("/api/records")
                .then().statusCode(200).body("total", equalTo(0));
    }

    private static String field(String boundary, String name, String value) {
        return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }

    static void awaitTrue(BooleanSupplier condition, Duration limit, String what) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within " + limit + ": " + what);
    }
}
