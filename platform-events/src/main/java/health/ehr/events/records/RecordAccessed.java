package health.ehr.events.records;

import health.ehr.events.EventData;
import java.time.Instant;
import java.util.UUID;

/**
 * Someone other than the owner read a record's content, proof or metadata. CloudEvents type
 * {@code ehr.records.RecordAccessed.v1}.
 */
public record RecordAccessed(
        UUID recordId,
        UUID patientId,
        UUID actorId,
        String actorRole,
        String action,
        String purpose,
        Instant at) implements EventData {

    public static final String TYPE = "ehr.records.RecordAccessed.v1";

    @Override
    public String partitionKey() {
        return patientId.toString();
    }
}
