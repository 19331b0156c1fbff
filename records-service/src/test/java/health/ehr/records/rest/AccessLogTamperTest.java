package health.ehr.records.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import health.ehr.support.testing.LocalStack;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Changing a past access-log entry in the database is detected by the chain check. */
@QuarkusTest
class AccessLogTamperTest {

    @Inject
    EntityManager em;

    @Test
    void rewritingAPastEntryBreaksTheChainAtThatEntry() {
        LocalStack.Party patient = LocalStack.registerPatient();
        LocalStack.Party doctor = LocalStack.registerPractitioner();
        String recordId = RecordsResourceTest.upload(patient, patient.id().toString(),
                RecordsResourceTest.content(100, 12), "x.bin").then().statusCode(201).extract().path("recordId");
        given().auth().oauth2(doctor.token()).contentType(ContentType.JSON)
                .body(Map.of("reason", "cardiac arrest, history needed")).post("/api/records/" + recordId
                        + "/emergency-access").then().statusCode(200);
        for (int i = 0; i < 3; i++) {
            given().auth().oauth2(doctor.token()).get("/api/records/" + recordId).then().statusCode(200);
        }

        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                        "UPDATE access_log SET purpose = 'routine' WHERE seq = 2"
                                + " AND patient_id = UNHEX(REPLACE(?1, '-', ''))")
                .setParameter(1, patient.id().toString()).executeUpdate());

        given().auth().oauth2(LocalStack.userToken(LocalStack.AUDITOR_EMAIL, LocalStack.AUDITOR_PASSWORD))
                .queryParam("patientId", patient.id())
                .when().get("/api/records/access-log/verify")
                .then().statusCode(200)
                .body("intact", equalTo(false))
                .body("firstBrokenSeq", equalTo(2))
                .body("entries", equalTo(4));
    }
}
