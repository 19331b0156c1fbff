package health.ehr.records.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import health.ehr.records.testing.TestBucket;
import health.ehr.support.testing.LocalStack;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Records through the API against the real S3 server, MariaDB, Kafka and Keycloak of the local stack. */
@QuarkusTest
class RecordsResourceTest {

    private static LocalStack.Party patient;
    private static LocalStack.Party other;
    private static final MinioClient S3 = TestBucket.S3;

    @BeforeAll
    static void parties() {
        patient = LocalStack.registerPatient();
        other = LocalStack.registerPatient();
    }

    static byte[] content(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static Response upload(LocalStack.Party who, String patientId, byte[] bytes, String fileName) {
        return given().auth().oauth2(who.token())
                .multiPart("patientId", patientId)
                .multiPart("category", "LAB_RESULT")
                .multiPart("title", "Blood panel")
                .multiPart("description", "Quarterly check")
                .multiPart("file", fileName, bytes, "application/pdf")
                .when().post("/api/records");
    }

    @Test
    void aPatientUploadsAndReadsTheirRecordBackByteForByte() throws Exception {
        byte[] bytes = content(300_000, 1);
        String sha = "0x" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));

        String recordId = upload(patient, patient.id().toString(), bytes, "panel.pdf")
                .then().statusCode(201)
                .header("Location", containsString("/api/records/"))
                .body("sha256", equalTo(sha))
                .body("size", equalTo(300_000))
                .body("category", equalTo("LAB_RESULT"))
                .body("anchorStatus", equalTo("PENDING"))
                .body("authorId", equalTo(patient.id().toString()))
                .extract().path("recordId");

        byte[] read = given().auth().oauth2(patient.token()).when().get("/api/records/" + recordId + "/content")
                .then().statusCode(200)
                .contentType("application/pdf")
                .header("X-Content-SHA256", sha)
                .header("Content-Disposition", containsString("filename=\"panel.pdf\""))
                .extract().asByteArray();
        assertArrayEquals(bytes, read);

        given().auth().oauth2(patient.token()).when().get("/api/records/" + recordId)
                .then().statusCode(200).body("title", equalTo("Blood panel"));
        given().auth().oauth2(patient.token()).queryParam("category", "LAB_RESULT").when().get("/api/records")
                .then().statusCode(200).body("items.recordId", hasItem(recordId));
        given().auth().oauth2(patient.token()).when().get("/api/records/" + recordId + "/verify")
                .then().statusCode(200)
                .body("intact", equalTo(true))
                .body("computedSha256", equalTo(sha));
        given().auth().oauth2(patient.token()).when().get("/api/records/" + recordId + "/proof")
                .then().statusCode(200).body("recordId", equalTo(recordId));
    }

    /**
     * An uploaded HTML page is served as what it is, but can never run as the platform (whose origin
     * the portal shares): sandboxed, nothing loaded, not sniffed, not cached; the record's metadata
     * and an error answer are not cached either.
     */
    @Test
    void anUploadedHtmlRecordCanNeverRunAsThePlatform() {
        byte[] page = "<html><body><script>fetch('/api/records')</script></body></html>".getBytes();
        String recordId = given().auth().oauth2(patient.token())
                .multiPart("patientId", patient.id().toString())
                .multiPart("category", "CLINICAL_NOTE")
                .multiPart("title", "A page")
                .multiPart("file", "page.html", page, "text/html")
                .when().post("/api/records")
                .then().statusCode(201)
                .header("Cache-Control", "no-store")
                .header("X-Content-Type-Options", "nosniff")
                .extract().path("recordId");

        given().auth().oauth2(patient.token()).when().get("/api/records/" + recordId + "/content")
                .then().statusCode(200)
                .contentType(containsString("text/html"))
                .header("Content-Security-Policy", "sandbox; default-src 'none'; frame-ancestors 'none'")
                .header("X-Content-Type-Options", "nosniff")
                .header("Cache-Control", "no-store")
                .header("Referrer-Policy", "no-referrer");
        given().auth().oauth2(patient.token()).when().get("/api/records/" + recordId)
                .then().statusCode(200)
                .contentType("application/json")
                .header("Cache-Control", "no-store")
                .header("X-Content-Type-Options", "nosniff");
        given().when().get("/api/records/" + recordId)
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("Cache-Control", "no-store")
                .header("X-Content-Type-Options", "nosniff");
    }

    @Test
    void aRecordOfSeveralStoragePartsRoundTripsByteForByte() throws Exception {
        // The test profile's parts are 5 MiB: this is three parts, the last one short.
        byte[] bytes = content(12 * 1024 * 1024 + 123, 8);
        String sha = "0x" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        String recordId = upload(patient, patient.id().toString(), bytes, "scan.bin")
                .then().statusCode(201).body("sha256", equalTo(sha)).body("size", equalTo(bytes.length))
                .extract().path("recordId");

        byte[] read = given().auth().oauth2(patient.token()).when().get("/api/records/" + recordId + "/content")
                .then().statusCode(200).header("Content-Length", String.valueOf(bytes.length))
                .extract().asByteArray();
        assertArrayEquals(bytes, read);
        given().auth().oauth2(patient.token()).when().get("/api/records/" + recordId + "/verify")
                .then().statusCode(200).body("intact", equalTo(true));
    }

    @Test
    void objectStorageHoldsOnlyCiphertext() throws Exception {
        byte[] marker = ("PLAINTEXT-MARKER-" + "x".repeat(5000)).getBytes();
        String recordId = upload(patient, patient.id().toString(), marker, "note.txt")
                .then().statusCode(201).extract().path("recordId");

        byte[] stored;
        try (InputStream in = S3.getObject(GetObjectArgs.builder().bucket(TestBucket.NAME)
                .object("records/" + recordId).build())) {
            stored = in.readAllBytes();
        }
        assertFalse(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1).contains("PLAINTEXT-MARKER"));
    }

    @Test
    void anotherPatientLearnsNothingAboutTheRecord() {
        String recordId = upload(patient, patient.id().toString(), content(1000, 2), "a.bin")
                .then().statusCode(201).extract().path("recordId");

        for (String path : new String[] {"", "/content", "/proof", "/verify"}) {
            given().auth().oauth2(other.token()).when().get("/api/records/" + recordId + path)
                    .then().statusCode(404).contentType("application/problem+json");
        }
        given().auth().oauth2(other.token()).when().delete("/api/records/" + recordId).then().statusCode(404);
        given().auth().oauth2(other.token()).queryParam("patientId", patient.id()).when().get("/api/records")
                .then().statusCode(404);
        given().when().get("/api/records/" + recordId).then().statusCode(401);
    }

    @Test
    void badUploadsAreProblemsAndLeaveNothingBehind() throws Exception {
        long before = objectCount();

        // Another patient's id: the right to the object is missing (403, docs/api.md), not a malformed field.
        upload(patient, other.id().toString(), content(100, 3), "x.bin")
                .then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(patient.token())
                .multiPart("file", "late.bin", content(2000, 4), "application/octet-stream")
                .multiPart("patientId", patient.id().toString())
                .multiPart("category", "GOSSIP")
                .multiPart("title", "t")
                .when().post("/api/records")
                .then().statusCode(400).body("errors.field", hasItem("category"));
        given().auth().oauth2(patient.token())
                .multiPart("patientId", patient.id().toString()).multiPart("category", "OTHER")
                .multiPart("title", "no file")
                .when().post("/api/records")
                .then().statusCode(400).body("errors.field", hasItem("file"));
        upload(patient, patient.id().toString(), new byte[0], "empty.bin")
                .then().statusCode(400).body("errors.field", hasItem("file"));
        upload(patient, java.util.UUID.randomUUID().toString(), content(100, 5), "theirs.bin")
                .then().statusCode(403).contentType("application/problem+json");
        // A field that is not UTF-8 is refused, not stored with replacement characters.
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        raw.writeBytes(("--b0undary\r\nContent-Disposition: form-data; name=\"patientId\"\r\n\r\n" + patient.id()
                + "\r\n--b0undary\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\nOTHER\r\n"
                + "--b0undary\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        raw.writeBytes(new byte[] {(byte) 0x80, (byte) 0xC3, (byte) 0x28});
        raw.writeBytes(("\r\n--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\nabc\r\n--b0undary--\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        given().auth().oauth2(patient.token()).contentType("multipart/form-data; boundary=b0undary")
                .body(raw.toByteArray())
                .when().post("/api/records")
                .then().statusCode(400).contentType("application/problem+json").body("errors.field", hasItem("title"));
        given().auth().oauth2(patient.token()).contentType("application/json").body("{}")
                .when().post("/api/records")
                .then().statusCode(415).contentType("application/problem+json");
        given().auth().oauth2(patient.token()).contentType("multipart/form-data; boundary=nope")
                .body("--other\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nv\r\n--other--\r\n"
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .when().post("/api/records")
                .then().statusCode(400).contentType("application/problem+json");

        assertEquals(before, objectCount(), "no object remains after refused uploads");
    }

    @Test
    void unknownAndMalformedRecordIdsAre404() {
        given().auth().oauth2(patient.token()).when().get("/api/records/00000000-0000-0000-0000-000000000000")
                .then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(patient.token()).when().get("/api/records/not-a-uuid")
                .then().statusCode(404);
    }

    @Test
    void fileNamesWithPathsAndControlCharactersAreSanitised() {
        String recordId = upload(patient, patient.id().toString(), content(10, 5), "../../etc/pass\u0007wd.txt")
                .then().statusCode(201).extract().path("recordId");

        given().auth().oauth2(patient.token()).when().get("/api/records/" + recordId + "/content")
                .then().statusCode(200)
                .header("Content-Disposition", containsString("filename=\"passwd.txt\""))
                .header("Content-Disposition", not(containsString("..")));
    }

    @Test
    void erasureShredsTheContentAndKeepsTheProof() {
        String recordId = upload(patient, patient.id().toString(), content(5000, 6), "gone.bin")
                .then().statusCode(201).extract().path("recordId");

        given().auth().oauth2(patient.token()).when().delete("/api/records/" + recordId).then().statusCode(204);

        given().auth().oauth2(patient.token()).when().get("/api/records/" + recordId + "/content")
                .then().statusCode(410).contentType("application/problem+json");
        given().auth().oauth2(patient.token()).when().get("/api/records/" + recordId)
                .then().statusCode(200).body("anchorStatus", equalTo("ERASED")).body("title", equalTo("[erased]"));
        given().auth().oauth2(patient.token()).when().get("/api/records/" + recordId + "/proof")
                .then().statusCode(200).body("recordId", equalTo(recordId));
        assertThrows(Exception.class, () -> S3.statObject(StatObjectArgs.builder().bucket(TestBucket.NAME)
                .object("records/" + recordId).build()));
    }

    @Test
    void aTamperedObjectNeverReturnsAlteredBytes() throws Exception {
        byte[] bytes = content(200_000, 7);
        String recordId = upload(patient, patient.id().toString(), bytes, "t.bin")
                .then().statusCode(201).extract().path("recordId");
        byte[] stored;
        try (InputStream in = S3.getObject(GetObjectArgs.builder().bucket(TestBucket.NAME)
                .object("records/" + recordId).build())) {
            stored = in.readAllBytes();
        }
        stored[stored.length / 2] ^= 0x01;
        S3.putObject(PutObjectArgs.builder().bucket(TestBucket.NAME).object("records/" + recordId)
                .stream(new ByteArrayInputStream(stored), stored.length, -1).build());

        given().auth().oauth2(patient.token()).when().get("/api/records/" + recordId + "/verify")
                .then().statusCode(200).body("intact", equalTo(false));
        byte[] read;
        try {
            read = given().auth().oauth2(patient.token()).when().get("/api/records/" + recordId + "/content")
                    .then().extract().asByteArray();
        } catch (Exception aborted) {
            return; // the server aborted the response: the client never got a complete body
        }
        assertFalse(java.util.Arrays.equals(bytes, read), "a tampered record is never served complete");
        assertEquals(true, read.length < bytes.length, "the response was cut before the damaged segment");
    }

    private static long objectCount() {
        return StreamSupport.stream(S3.listObjects(ListObjectsArgs.builder().bucket(TestBucket.NAME)
                .prefix("records/").recursive(true).build()).spliterator(), false).count();
    }
}
