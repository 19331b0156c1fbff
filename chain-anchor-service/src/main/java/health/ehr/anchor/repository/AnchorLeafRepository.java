package health.ehr.anchor.repository;

import static health.ehr.anchor.repository.ChainTransactionRepository.bytes;
import static health.ehr.anchor.repository.ChainTransactionRepository.uuid;

import health.ehr.anchor.AnchorLeaf;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Pending and batched leaves, and their proofs. */
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
     * Adds a leaf unless one with this id exists (a redelivered event, or the same record again).
     *
     * @return whether it was new
     */
    public boolean addIfAbsent(AnchorLeaf leaf) {
        return getEntityManager().createNativeQuery("INSERT IGNORE INTO anchor_leaf (record_id, kind, patient_id,"
                        + " content_hash, leaf, event_time, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
                .setParameter(1, bytes(leaf.recordId)).setParameter(2, leaf.kind)
                .setParameter(3, leaf.patientId == null ? null : bytes(leaf.patientId))
                .setParameter(4, leaf.contentHash).setParameter(5, leaf.leaf)
                .setParameter(6, leaf.eventTime).setParameter(7, leaf.receivedAt)
                .executeUpdate() == 1;
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

    /** Puts the leaves into a batch and stores each one's proof (multi-row statements, in chunks). */
    public void assign(UUID batchId, List<UUID> recordIds, List<String> proofsJson) {
        byte[] batch = bytes(batchId);
        for (int from = 0; from < recordIds.size(); from += CHUNK) {
            int to = Math.min(recordIds.size(), from + CHUNK);
            List<byte[]> ids = new ArrayList<>(to - from);
            StringBuilder insert = new StringBuilder(
                    "INSERT INTO anchor_proof (record_id, batch_id, leaf_index, proof) VALUES ");
            for (int i = from; i < to; i++) {
                ids.add(bytes(recordIds.get(i)));
                insert.append(i == from ? "" : ", ").append("(?, ?, ?, ?)");
            }
            getEntityManager().createNativeQuery("UPDATE anchor_leaf SET batch_id = ?1 WHERE record_id IN (?2)")
                    .setParameter(1, batch).setParameter(2, ids).executeUpdate();
            var query = getEntityManager().createNativeQuery(insert.toString());
            int p = 1;
            for (int i = from; i < to; i++) {
                query.setParameter(p++, ids.get(i - from));
                query.setParameter(p++, batch);
                query.setParameter(p++, i);
                query.setParameter(p++, proofsJson.get(i));
            }
            query.executeUpdate();
        }
    }

    public Optional<StoredProof> proof(UUID recordId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = getEntityManager().createNativeQuery(
                        "SELECT batch_id, leaf_index, proof FROM anchor_proof WHERE record_id = ?1")
                .setParameter(1, bytes(recordId)).getResultList();
        return rows.stream().findFirst().map(r -> new StoredProof(uuid((byte[]) r[0]),
                ((Number) r[1]).intValue(), (String) r[2]));
    }

    /** The ids and event times of a batch's leaves, in leaf order. */
    public List<Object[]> leavesOf(UUID batchId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = getEntityManager().createNativeQuery("SELECT l.record_id, l.event_time"
                        + " FROM anchor_leaf l JOIN anchor_proof p ON p.record_id = l.record_id"
                        + " WHERE p.batch_id = ?1 ORDER BY p.leaf_index")
                .setParameter(1, bytes(batchId)).getResultList();
        return rows;
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
