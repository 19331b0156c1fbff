package health.ehr.records.rest;

import health.ehr.records.testing.FlippingRelay;
import health.ehr.support.testing.LocalStack;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link TransferCorruptionTest} with {@code records.s3-checksum=md5}, the setting for S3-compatible
 * stores without flexible checksums: {@code Content-MD5} must refuse an altered transfer just as well.
 */
@QuarkusTest
@TestProfile(TransferCorruptionMd5Test.Md5.class)
@WithTestResource(FlippingRelay.class)
class TransferCorruptionMd5Test {

    public static class Md5 implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("records.s3-checksum", "md5");
        }
    }

    @Test
    void anAlteredTransferIsRefusedByItsContentMd5AndLeavesNothing() {
        StorageFailureTest.smallPassesBigFailsAndLeavesNothing(LocalStack.registerPatient("s3-flip-md5"), 45);
    }
}
