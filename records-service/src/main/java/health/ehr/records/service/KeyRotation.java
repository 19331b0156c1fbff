package health.ehr.records.service;

import health.ehr.records.MedicalRecord;
import health.ehr.records.repository.MedicalRecordRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.jboss.logging.Logger;

/** Re-wraps records' data keys under the current key-encryption key; the ciphertext is untouched. */
@ApplicationScoped
public class KeyRotation {

    private static final Logger LOG = Logger.getLogger(KeyRotation.class);

    private final MedicalRecordRepository records;
    private final EnvelopeCipher cipher;

    public KeyRotation(MedicalRecordRepository records, EnvelopeCipher cipher) {
        this.records = records;
        this.cipher = cipher;
    }

    /** Re-wraps every data key not under the current key, 200 records a transaction; returns how many. */
    public int rotate() {
        String current = cipher.currentKekId();
        int total = 0;
        while (true) {
            int done = QuarkusTransaction.requiringNew().call(() -> {
                List<MedicalRecord> batch = records.find("kekId IS NOT NULL AND kekId <> ?1", current)
                        .page(0, 200).list();
                for (MedicalRecord r : batch) {
                    EnvelopeCipher.DataKey rewrapped = cipher.rewrap(r.recordId, r.wrappedKey, r.kekId);
                    r.wrappedKey = rewrapped.wrapped();
                    r.kekId = rewrapped.kekId();
                }
                return batch.size();
            });
            total += done;
            if (done == 0) {
                LOG.infof("key rotation: %d data keys re-wrapped under %s", total, current);
                return total;
            }
        }
    }
}
