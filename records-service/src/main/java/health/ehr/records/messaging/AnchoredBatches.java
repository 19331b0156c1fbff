package health.ehr.records.messaging;

import health.ehr.events.CloudEvent;
import health.ehr.events.EventData;
import health.ehr.events.EventType;
import health.ehr.events.Ids;
import health.ehr.events.anchor.BatchAnchorWithdrawn;
import health.ehr.events.anchor.BatchAnchored;
import health.ehr.records.AnchorStatus;
import health.ehr.support.messaging.EventHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Marks records ANCHORED when chain-anchor-service reports their batch confirmed (BatchAnchored), and
 * PENDING again when a reorg deeper than the confirmation depth withdraws that anchor
 * (BatchAnchorWithdrawn, followed by a new BatchAnchored once the anchor is back on chain).
 *
 * <p>A batch names up to 10,000 records. The update is plain JDBC in chunks of {@value #CHUNK} ids,
 * one statement text for every chunk (the last one repeats its final id), run in the consumer's
 * transaction. As a Panache {@code IN ?1} query the update was translated anew for every list size,
 * which cost more CPU than running it (profile: docs/benchmarks.md#anchoredbatches-plain-jdbc-for-batchanchored).
 */
@ApplicationScoped
public class AnchoredBatches implements EventHandler {

    static final int CHUNK = 500;
    private static final String IDS = " AND record_id IN (" + String.join(",", Collections.nCopies(CHUNK, "?")) + ")";
    private static final String ANCHOR = "UPDATE record SET anchor_status = '" + AnchorStatus.ANCHORED
            + "' WHERE anchor_status = '" + AnchorStatus.PENDING + "'" + IDS;
    private static final String WITHDRAW = "UPDATE record SET anchor_status = '" + AnchorStatus.PENDING
            + "' WHERE anchor_status = '" + AnchorStatus.ANCHORED + "'" + IDS;

    private final DataSource dataSource;

    public AnchoredBatches(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Set<EventType> handles() {
        return Set.of(EventType.BATCH_ANCHORED, EventType.BATCH_ANCHOR_WITHDRAWN);
    }

    @Override
    public void handle(CloudEvent<EventData> event) {
        if (event.data() instanceof BatchAnchorWithdrawn withdrawn) {
            update(WITHDRAW, withdrawn.recordIds());
        } else {
            update(ANCHOR, ((BatchAnchored) event.data()).recordIds());
        }
    }

    private void update(String statement, List<UUID> ids) {
        if (ids == null || ids.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement(statement)) {
            for (int from = 0; from < ids.size(); from += CHUNK) {
                for (int i = 0; i < CHUNK; i++) {
                    update.setBytes(i + 1, Ids.bytes(ids.get(Math.min(from + i, ids.size() - 1))));
                }
                update.addBatch();
            }
            update.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("could not change an anchored batch's records: " + e.getMessage(), e);
        }
    }
}
