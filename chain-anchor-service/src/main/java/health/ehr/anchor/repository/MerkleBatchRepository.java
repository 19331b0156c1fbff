package health.ehr.anchor.repository;

import static health.ehr.events.Ids.bytes;

import health.ehr.anchor.MerkleBatch;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Reads and writes {@link MerkleBatch} rows, and a closed batch's leaves (32 bytes each, in leaf order). */
@ApplicationScoped
public class MerkleBatchRepository implements PanacheRepositoryBase<MerkleBatch, UUID> {

    /** Stores the leaves of a batch already persisted (and flushed) in this transaction. */
    public void storeLeaves(UUID batchId, byte[] leaves) {
        getEntityManager().createNativeQuery("UPDATE anchor_batch SET leaves = ?1 WHERE batch_id = ?2")
                .setParameter(1, leaves).setParameter(2, bytes(batchId)).executeUpdate();
    }

    /** The leaves of a batch; empty for a batch closed before they were stored (migration V3). */
    public Optional<byte[]> leaves(UUID batchId) {
        @SuppressWarnings("unchecked")
        List<byte[]> rows = getEntityManager().createNativeQuery("SELECT leaves FROM anchor_batch WHERE batch_id = ?1")
                .setParameter(1, bytes(batchId)).getResultList();
        return rows.stream().filter(java.util.Objects::nonNull).findFirst();
    }
}
