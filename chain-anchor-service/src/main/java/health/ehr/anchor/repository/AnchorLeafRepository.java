package health.ehr.anchor.repository;

import static health.ehr.events.Ids.bytes;
import static health.ehr.events.Ids.uuid;

import health.ehr.anchor.AnchorLeaf;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.Session;

/** Pending and batched leaves (and the stored proofs of batches closed before migration V3). */
@ApplicationScoped
public class AnchorLeafRepository implements PanacheRepositoryBase<AnchorLeaf, UUID> {

    private static final int CHUNK = 500;

    /** A pending leaf as the batch closer sees it. */
    public record PendingLeaf(UUID recordId, String leaf, Instant receivedAt) {
    }

    /** A stored proof. */
    public record StoredProof(UUID batchId, int leafIndex, String proofJson) {
    }

    /**
     * Adds the leaves whose ids are not yet known (a redelivered event, or the same record again, adds
     * nothing; within the list the first one of an id wins), with multi-row {@code INSERT IGNORE}s.
     *
     * @return how many were new
     */
    public int addAllIfAbsent(List<AnchorLeaf> batch) {
        int[] added = {0};
        // Plain JDBC with times bound as text: this is the intake's hot path (10,000 leaves/s), and the
        // driver's Timestamp-with-Calendar binding builds a SimpleDateFormat per value (a large share of
        // the consumer's CPU: docs/benchmarks.md#anchorleafrepository-leaf-intake-binds-times-as-text).
        // The text is the UTC wall time, as Hibernate stores an Instant.
        getEntityManager().unwrap(Session.class).doWork(connection -> {
            for (int from = 0; from < batch.size(); from += CHUNK) {
                int to = Math.min(batch.size(), from + CHUNK);
                try (PreparedStatement insert = connection.prepareStatement(insertSql(to - from))) {
                    int p = 1;
                    for (int i = from; i < to; i++) {
                        AnchorLeaf leaf = batch.get(i);
                        insert.setBytes(p++, bytes(leaf.recordId));
                        insert.setString(p++, leaf.kind);
                        insert.setBytes(p++, leaf.patientId == null ? null : bytes(leaf.patientId));
                        insert.setString(p++, leaf.contentHash);
                        insert.setString(p++, leaf.leaf);
                        insert.setString(p++, UTC_TEXT.format(leaf.eventTime));
                        insert.setString(p++, UTC_TEXT.format(leaf.receivedAt));
                    }
                    added[0] += insert.executeUpdate();
                }
            }
        });
        return added[0];
    }

    /** A DATETIME(6) value as text: the instant's UTC wall time. */
    private static final DateTimeFormatter UTC_TEXT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    /**
     * The multi-row INSERT IGNORE for {@code rows} leaves; the same text for every full chunk (the driver caches
     * its parse).
     */
    private static String insertSql(int rows) {
        StringBuilder insert = new StringBuilder("INSERT IGNORE INTO anchor_leaf (record_id, kind, patient_id,"
                + " content_hash, leaf, event_time, received_at) VALUES ");
        for (int i = 0; i < rows; i++) {
            insert.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?)");
        }
        return insert.toString();
    }

    /**
     * Locks up to {@code limit} pending leaves, oldest first, that no other replica holds
     * ({@code FOR UPDATE SKIP LOCKED}). Must run in a transaction.
     */
    public List<PendingLeaf> lockPending(int limit) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = getEntityManager().createNativeQuery("SELECT record_id, leaf, received_at"
                        + " FROM anchor_leaf WHERE batch_id IS NULL ORDER BY received_at, record_id LIMIT " + limit
                        + " FOR UPDATE SKIP LOCKED")
                .getResultList();
        List<PendingLeaf> leaves = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            leaves.add(new PendingLeaf(uuid((byte[]) row[0]), (String) row[1], instant(row[2])));
        }
        return leaves;
    }

    public long countPending() {
        return count("batchId is null");
    }

    /** Pending leaves, counted up to {@code limit}. */
    public long countPending(int limit) {
        return ((Number) getEntityManager().createNativeQuery("SELECT COUNT(*) FROM (SELECT 1 FROM anchor_leaf"
                + " WHERE batch_id IS NULL LIMIT " + limit + ") p").getSingleResult()).longValue();
    }

    /** When the oldest pending leaf arrived. */
    public Optional<Instant> oldestPending() {
        @SuppressWarnings("unchecked")
        List<Object> rows = getEntityManager().createNativeQuery("SELECT received_at FROM anchor_leaf"
                + " WHERE batch_id IS NULL ORDER BY received_at LIMIT 1").getResultList();
        return rows.stream().findFirst().map(AnchorLeafRepository::instant);
    }

    /** Puts the leaves into a batch (multi-row statements, in chunks). */
    public void assign(UUID batchId, List<UUID> recordIds) {
        byte[] batch = bytes(batchId);
        for (int from = 0; from < recordIds.size(); from += CHUNK) {
            List<byte[]> ids = new ArrayList<>(CHUNK);
            for (UUID id : recordIds.subList(from, Math.min(recordIds.size(), from + CHUNK))) {
                ids.add(bytes(id));
            }
            getEntityManager().createNativeQuery("UPDATE anchor_leaf SET batch_id = ?1 WHERE record_id IN (?2)")
                    .setParameter(1, batch).setParameter(2, ids).executeUpdate();
        }
    }

    /** The proof stored for a leaf of a batch closed before proofs were computed on request (migration V3). */
    public Optional<StoredProof> proof(UUID recordId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = getEntityManager().createNativeQuery(
                        "SELECT batch_id, leaf_index, proof FROM anchor_proof WHERE record_id = ?1")
                .setParameter(1, bytes(recordId)).getResultList();
        return rows.stream().findFirst().map(r -> new StoredProof(uuid((byte[]) r[0]),
                ((Number) r[1]).intValue(), (String) r[2]));
    }

    /** The ids and event times of a batch's leaves, in leaf order (the order the batch closer locked them in). */
    public List<Object[]> leavesOf(UUID batchId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = getEntityManager().createNativeQuery("SELECT record_id, event_time FROM anchor_leaf"
                        + " WHERE batch_id = ?1 ORDER BY received_at, record_id")
                .setParameter(1, bytes(batchId)).getResultList();
        return rows;
    }

    /** The ids of a batch's leaves (records and sealed access-log heads), in leaf order. */
    public List<UUID> recordIdsOf(UUID batchId) {
        List<Object[]> rows = leavesOf(batchId);
        List<UUID> ids = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            ids.add(uuid((byte[]) row[0]));
        }
        return ids;
    }

    public static Instant instant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof Timestamp t) {
            return t.toInstant();
        }
        if (value instanceof java.time.LocalDateTime l) {
            return l.atZone(java.time.ZoneId.systemDefault()).toInstant();
        }
        throw new IllegalArgumentException("not a time: " + value);
    }
}
