package health.ehr.events.records;

import health.ehr.events.EventData;
import java.time.Instant;
import java.util.UUID;

/**
 * A record was crypto-shredded: its data key destroyed and its ciphertext deleted. CloudEvents type
 * {@code ehr.records.RecordErased.v1}.
 */
public record RecordErased(
        UUID recordId,
        UUID patientId,
        Instant erasedAt) implements EventData {

    public static final String TYPE = "ehr.records.RecordErased.v1";

    @Override
    public String partitionKey() {
        return patientId.toString();
    }
}
