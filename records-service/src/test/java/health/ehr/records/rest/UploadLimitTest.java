package health.ehr.records.rest;

import static org.hamcrest.Matchers.equalTo;

import health.ehr.support.testing.LocalStack;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A body over the configured limit is refused with 413 problem+json (here with a 64 KiB limit). */
@QuarkusTest
@TestProfile(UploadLimitTest.SmallLimit.class)
class UploadLimitTest {

    /** Limits uploads to 64 KiB. */
    public static class SmallLimit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("records.max-upload-size", "64K");
        }
    }

    @Test
    void anOversizedUploadIs413() {
        LocalStack.Party patient = LocalStack.registerPatient();

        RecordsResourceTest.upload(patient, patient.id().toString(), RecordsResourceTest.content(200_000, 14),
                        "big.bin")
                .then().statusCode(413)
                .contentType("application/problem+json")
                .body("status", equalTo(413));
    }
}
