package health.ehr.events.anchor;

import health.ehr.events.EventData;
import java.util.UUID;

/**
 * A chain command or anchor could not be carried out; the reason says why. CloudEvents type
 * {@code ehr.anchor.ChainTransactionFailed.v1}.
 */
public record ChainTransactionFailed(
        UUID commandId,
        String commandType,
        UUID subjectId,
        UUID patientId,
        String reason,
        String transactionHash) implements EventData {

    public static final String TYPE = "ehr.anchor.ChainTransactionFailed.v1";

    @Override
    public String partitionKey() {
        return patientId == null ? subjectId.toString() : patientId.toString();
    }
}
