package health.ehr.events.anchor;

import health.ehr.events.EventData;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A Merkle batch's root reached the confirmation depth in AnchorRegistry. CloudEvents type
 * {@code ehr.anchor.BatchAnchored.v1}.
 */
public record BatchAnchored(
        UUID batchId,
        String merkleRoot,
        int leafCount,
        String transactionHash,
        long blockNumber,
        Instant anchoredAt,
        List<UUID> recordIds) implements EventData {

    public static final String TYPE = "ehr.anchor.BatchAnchored.v1";

    @Override
    public String partitionKey() {
        return batchId.toString();
    }
}
