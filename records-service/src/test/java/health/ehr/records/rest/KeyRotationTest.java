package health.ehr.records.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import health.ehr.events.Ids;
import health.ehr.records.MedicalRecord;
import health.ehr.records.repository.MedicalRecordRepository;
import health.ehr.support.crypto.KeyRing;
import health.ehr.support.testing.LocalStack;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Rotation re-wraps every data key under the current key-encryption key and leaves the ciphertext
 * alone: records wrapped by the old key k1 read back unchanged after the rotation to k2.
 */
@QuarkusTest
@TestProfile(KeyRotationTest.TwoKeys.class)
class KeyRotationTest {

    /** k1 (the old key) and k2 (current). LOCAL TEST KEYS ONLY. */
    public static class TwoKeys implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ehr.kek.current", "k2",
                    "ehr.kek.keys.k2", "dGVzdC1vbmx5LXNlY29uZC1rZWstZm9yLXJvdGF0ZSE=");
        }
    }

    @Inject
    MedicalRecordRepository records;
    @Inject
    KeyRing keys;

    @Test
    void oldRecordsAreRewrappedAndStillReadBack() throws Exception {
        LocalStack.Party patient = LocalStack.registerPatient();
        byte[] bytes = RecordsResourceTest.content(50_000, 13);
        UUID recordId = UUID.fromString(RecordsResourceTest.upload(patient, patient.id().toString(), bytes, "k.bin")
                .then().statusCode(201).extract().path("recordId"));
        // Make the record look as if it was stored before the rotation: its keyset wrapped by k1.
        QuarkusTransaction.requiringNew().run(() -> {
            MedicalRecord r = records.findById(recordId);
            try {
                byte[] aad = Ids.bytes(recordId);
                KeysetHandle handle = TinkProtoKeysetFormat.parseEncryptedKeyset(r.wrappedKey, keys.byId("k2"), aad);
                r.wrappedKey = TinkProtoKeysetFormat.serializeEncryptedKeyset(handle, keys.byId("k1"), aad);
                r.kekId = "k1";
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });

        given().auth().oauth2(patient.token()).when().post("/api/records/admin/key-rotation").then().statusCode(403);
        given().auth().oauth2(LocalStack.userToken(LocalStack.ADMIN_EMAIL, LocalStack.ADMIN_PASSWORD))
                .when().post("/api/records/admin/key-rotation")
                .then().statusCode(200).body("currentKekId", equalTo("k2")).body("rewrapped", equalTo(1));

        assertEquals("k2", QuarkusTransaction.requiringNew().call(() -> records.findById(recordId).kekId));
        byte[] read = given().auth().oauth2(patient.token()).when().get("/api/records/" + recordId + "/content")
                .then().statusCode(200).extract().asByteArray();
        assertArrayEquals(bytes, read);
    }
}
