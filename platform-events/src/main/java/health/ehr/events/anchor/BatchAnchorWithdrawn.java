package health.ehr.events.anchor;

import health.ehr.events.EventData;
import java.util.List;
import java.util.UUID;

/**
 * A reorg deeper than the confirmation depth removed the transaction of an announced
 * {@link BatchAnchored}: until a new BatchAnchored for the same batch, its records are not anchored.
 * CloudEvents type {@code ehr.anchor.BatchAnchorWithdrawn.v1}.
 */
public record BatchAnchorWithdrawn(
        UUID batchId,
        String merkleRoot,
        String transactionHash,
        long blockNumber,
        List<UUID> recordIds) implements EventData {

    public static final String TYPE = "ehr.anchor.BatchAnchorWithdrawn.v1";

    @Override
    public String partitionKey() {
        // The same key as BatchAnchored: a batch's announcements and withdrawals stay in order.
        return batchId.toString();
    }
}
