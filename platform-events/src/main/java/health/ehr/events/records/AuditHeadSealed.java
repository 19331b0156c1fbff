package health.ehr.events.records;

import health.ehr.events.EventData;
import java.time.Instant;
import java.util.UUID;

/**
 * The head of a patient's hash-chained access log was sealed, to be anchored like a record. CloudEvents type
 * {@code ehr.records.AuditHeadSealed.v1}.
 */
public record AuditHeadSealed(
        UUID sealId,
        UUID patientId,
        String headHash,
        long entryCount,
        Instant sealedAt) implements EventData {

    public static final String TYPE = "ehr.records.AuditHeadSealed.v1";

    @Override
    public String partitionKey() {
        return patientId.toString();
    }
}
