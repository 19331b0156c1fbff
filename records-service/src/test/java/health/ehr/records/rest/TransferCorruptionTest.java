package health.ehr.records.rest;

import health.ehr.records.testing.FlippingRelay;
import health.ehr.support.testing.LocalStack;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * Ciphertext that reaches S3 altered (one bit flipped after 1 MiB on every connection, see
 * {@link FlippingRelay}): the S3 server refuses it by the CRC32C that records-service sends with
 * every object and part, so the upload fails with a 503 problem and nothing is stored, instead of a
 * record that could never be decrypted again. Transfers the link leaves intact are stored.
 */
@QuarkusTest
@WithTestResource(FlippingRelay.class)
class TransferCorruptionTest {

    @Test
    void anAlteredTransferIsRefusedByObjectStorageAndLeavesNothing() {
        StorageFailureTest.smallPassesBigFailsAndLeavesNothing(LocalStack.registerPatient("s3-flip"), 43);
    }
}
