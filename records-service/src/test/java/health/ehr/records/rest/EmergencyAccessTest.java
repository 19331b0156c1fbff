package health.ehr.records.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import health.ehr.support.testing.LocalStack;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Emergency access: a stated reason, time-limited reads, each one in the patient's access log. */
@QuarkusTest
class EmergencyAccessTest {

    @Test
    void aPractitionerWithAReasonReadsAndThePatientSeesItInTheAccessLog() {
        LocalStack.Party patient = LocalStack.registerPatient();
        LocalStack.Party doctor = LocalStack.registerPractitioner();
        byte[] bytes = RecordsResourceTest.content(4096, 11);
        String recordId = RecordsResourceTest.upload(patient, patient.id().toString(), bytes, "er.bin")
                .then().statusCode(201).extract().path("recordId");

        given().auth().oauth2(doctor.token()).contentType(ContentType.JSON).body(Map.of("reason", "too short"))
                .when().post("/api/records/" + recordId + "/emergency-access")
                .then().statusCode(400).body("errors.field", hasItem("reason"));
        given().auth().oauth2(patient.token()).contentType(ContentType.JSON)
                .body(Map.of("reason", "unconscious patient in the emergency room"))
                .when().post("/api/records/" + recordId + "/emergency-access")
                .then().statusCode(403);

        given().auth().oauth2(doctor.token()).contentType(ContentType.JSON)
                .body(Map.of("reason", "unconscious patient in the emergency room"))
                .when().post("/api/records/" + recordId + "/emergency-access")
                .then().statusCode(200).body("grantedUntil", notNullValue());
        byte[] read = given().auth().oauth2(doctor.token()).when().get("/api/records/" + recordId + "/content")
                .then().statusCode(200).extract().asByteArray();
        assertArrayEquals(bytes, read);

        given().auth().oauth2(patient.token()).when().get("/api/records/access-log")
                .then().statusCode(200)
                .body("items.action", hasItem("READ_CONTENT"))
                .body("items.action", hasItem("EMERGENCY_ACCESS_GRANTED"))
                .body("items[0].actorId", equalTo(doctor.id().toString()))
                .body("items[0].emergency", equalTo(true));
        given().auth().oauth2(patient.token()).when().get("/api/records/access-log/verify")
                .then().statusCode(200).body("intact", equalTo(true)).body("entries", equalTo(2));
    }

    @Test
    void theAccessLogIsOnlyThePatientsOwnOrAnAuditors() {
        LocalStack.Party patient = LocalStack.registerPatient();
        LocalStack.Party other = LocalStack.registerPatient();
        String auditor = LocalStack.userToken(LocalStack.AUDITOR_EMAIL, LocalStack.AUDITOR_PASSWORD);

        given().auth().oauth2(other.token()).queryParam("patientId", patient.id())
                .when().get("/api/records/access-log").then().statusCode(404);
        given().auth().oauth2(auditor).when().get("/api/records/access-log")
                .then().statusCode(400).body("errors.field", hasItem("patientId"));
        given().auth().oauth2(auditor).queryParam("patientId", patient.id())
                .when().get("/api/records/access-log").then().statusCode(200).body("total", equalTo(0));
        given().auth().oauth2(LocalStack.registerPractitioner().token()).queryParam("patientId", patient.id())
                .when().get("/api/records/access-log").then().statusCode(403);
    }
}
