package health.ehr.records.service;

import health.ehr.records.AccessAction;
import health.ehr.records.MedicalRecord;
import health.ehr.records.repository.MedicalRecordRepository;
import health.ehr.support.rest.DomainException;
import health.ehr.support.security.Caller;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.InputStream;
import java.util.UUID;

/** Reads of one record (metadata, content, proof, verification) under the access policy; non-owner reads logged. */
@ApplicationScoped
public class RecordReading {

    private final MedicalRecordRepository records;
    private final RecordContent content;
    private final EnvelopeCipher cipher;
    private final AccessPolicy policy;
    private final AccessLog accessLog;

    public RecordReading(MedicalRecordRepository records, RecordContent content, EnvelopeCipher cipher,
            AccessPolicy policy, AccessLog accessLog) {
        this.records = records;
        this.content = content;
        this.cipher = cipher;
        this.policy = policy;
        this.accessLog = accessLog;
    }

    /** A record's metadata; non-owner reads are logged. */
    public MedicalRecord metadata(Caller caller, UUID recordId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            MedicalRecord record = find(recordId);
            log(caller, record, AccessAction.READ_METADATA);
            return record;
        });
    }

    /** The caller's access to a readable record, logged; for content, proof and verify. */
    public ReadableRecord open(Caller caller, UUID recordId, AccessAction action) {
        return QuarkusTransaction.requiringNew().call(() -> {
            MedicalRecord record = find(recordId);
            log(caller, record, action);
            return new ReadableRecord(record, record.wrappedKey == null ? null
                    : cipher.unwrap(record.recordId, record.wrappedKey, record.kekId));
        });
    }

    /** The decrypting stream of a record's content; 410 once erased. */
    public InputStream content(ReadableRecord readable) throws Exception {
        return content.decrypting(readable);
    }

    /** Recomputes the content hash from storage: the plaintext's SHA-256, or null if it does not decrypt. */
    public String recomputeSha256(ReadableRecord readable) {
        return content.recomputeSha256(readable);
    }

    private MedicalRecord find(UUID recordId) {
        return records.findByIdOptional(recordId)
                .orElseThrow(() -> DomainException.notFound("No record " + recordId + "."));
    }

    private void log(Caller caller, MedicalRecord record, AccessAction action) {
        AccessPolicy.Access access = policy.require(caller, record);
        if (!access.owner()) {
            accessLog.append(record.patientId, record.recordId, caller.partyId(), access.role(), action,
                    access.emergency() ? "emergency" : "consent", access.emergency());
        }
    }
}
