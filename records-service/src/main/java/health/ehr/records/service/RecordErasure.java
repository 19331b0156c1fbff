package health.ehr.records.service;

import health.ehr.events.records.RecordErased;
import health.ehr.records.AnchorStatus;
import health.ehr.records.MedicalRecord;
import health.ehr.records.repository.MedicalRecordRepository;
import health.ehr.support.messaging.OutboxWriter;
import health.ehr.support.rest.DomainException;
import health.ehr.support.security.Caller;
import health.ehr.support.security.Role;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Crypto-shredding: the data key destroyed, the ciphertext deleted, the metadata a tombstone. */
@ApplicationScoped
public class RecordErasure {

    private static final Logger LOG = Logger.getLogger(RecordErasure.class);

    private final MedicalRecordRepository records;
    private final RecordContent content;
    private final OutboxWriter outbox;

    public RecordErasure(MedicalRecordRepository records, RecordContent content, OutboxWriter outbox) {
        this.records = records;
        this.content = content;
        this.outbox = outbox;
    }

    /** Erases the caller's own record ({@code RecordErased} goes out); 404 for anyone else. */
    public void erase(Caller caller, UUID recordId) {
        MedicalRecord record = QuarkusTransaction.requiringNew().call(() -> {
            MedicalRecord r = records.findByIdOptional(recordId)
                    .orElseThrow(() -> DomainException.notFound("No record " + recordId + "."));
            if (!(caller.has(Role.PATIENT) && r.patientId.equals(caller.partyId()))) {
                throw DomainException.notFound("No record " + recordId + ".");
            }
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            // Conditional update: of two concurrent erasures exactly one shreds and announces it.
            int shredded = records.update("wrappedKey = null, kekId = null, title = '[erased]', description = null,"
                    + " fileName = 'erased', anchorStatus = ?3, erasedAt = ?1"
                    + " WHERE recordId = ?2 AND erasedAt IS NULL", now, recordId, AnchorStatus.ERASED);
            if (shredded == 1) {
                outbox.append(new RecordErased(r.recordId, r.patientId, now));
            }
            return r;
        });
        // The key is already gone for good; deleting the ciphertext is tidiness, retried by nothing.
        content.deleteQuietly(record.recordId);
        LOG.infof("record %s erased", recordId);
    }
}
