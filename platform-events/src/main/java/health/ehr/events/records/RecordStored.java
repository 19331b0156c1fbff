package health.ehr.events.records;

import health.ehr.events.EventData;
import java.time.Instant;
import java.util.UUID;

/**
 * A record's ciphertext and metadata were stored; its hash waits to be anchored. CloudEvents type
 * {@code ehr.records.RecordStored.v1}.
 */
public record RecordStored(
        UUID recordId,
        UUID patientId,
        UUID authorId,
        String sha256,
        long size,
        String category,
        Instant storedAt) implements EventData {

    public static final String TYPE = "ehr.records.RecordStored.v1";

    @Override
    public String partitionKey() {
        return patientId.toString();
    }
}
