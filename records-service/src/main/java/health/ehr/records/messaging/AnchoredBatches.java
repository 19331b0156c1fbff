package health.ehr.records.messaging;

import health.ehr.events.CloudEvent;
import health.ehr.events.EventData;
import health.ehr.events.EventType;
import health.ehr.events.anchor.BatchAnchored;
import health.ehr.support.messaging.EventHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Marks records ANCHORED when chain-anchor-service reports their batch final.
 *
 * <p>A batch names up to 10,000 records. The update is plain JDBC in chunks of {@value #CHUNK} ids,
 * one statement text for every chunk (the last one repeats its final id), run in the consumer's
 * transaction. As a Panache {@code IN ?1} query the update was translated anew for every list size,
 * which cost more CPU than running it (profile: docs/benchmarks.md#anchoredbatches-plain-jdbc-for-batchanchored).
 */
@ApplicationScoped
public class AnchoredBatches implements EventHandler {

    static final int CHUNK = 500;
    private static final String UPDATE = "UPDATE record SET anchor_status = 'ANCHORED' WHERE anchor_status = 'PENDING'"
            + " AND record_id IN (" + String.join(",", Collections.nCopies(CHUNK, "?")) + ")";

    private final DataSource dataSource;

    public AnchoredBatches(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Set<EventType> handles() {
        return Set.of(EventType.BATCH_ANCHORED);
    }

    @Override
    public void handle(CloudEvent<EventData> event) {
        BatchAnchored batch = (BatchAnchored) event.data();
        List<UUID> ids = batch.recordIds();
        if (ids == null || ids.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement(UPDATE)) {
            for (int from = 0; from < ids.size(); from += CHUNK) {
                for (int i = 0; i < CHUNK; i++) {
                    update.setBytes(i + 1, bytes(ids.get(Math.min(from + i, ids.size() - 1))));
                }
                update.addBatch();
            }
            update.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("could not mark an anchored batch's records: " + e.getMessage(), e);
        }
    }

    private static byte[] bytes(UUID id) {
        return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits())
                .array();
    }
}
