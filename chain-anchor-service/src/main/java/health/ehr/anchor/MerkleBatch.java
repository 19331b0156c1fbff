package health.ehr.anchor;

import jakarta.persistence.Column;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A batch of record hashes whose Merkle root is anchored in AnchorRegistry. */
@Entity
@Table(name = "anchor_batch")
public class MerkleBatch {

    /** Where a batch's anchor stands; stored by name. */
    public enum Status {
        /** The anchor transaction is signed and persisted, not yet mined (or dropped by a reorg). */
        SUBMITTED,
        /** Mined, waiting for the confirmation depth (or withdrawn by a deeper reorg). */
        MINED,
        /** Past the confirmation depth: proofs can be checked on chain; final once {@code finalizedAt} is set. */
        ANCHORED,
        /** Its chain was replaced and the operator adopted another: its leaves are in newer batches. */
        REPLACED
    }

    @Id
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "batch_id")
    public UUID batchId;

    @Column(name = "merkle_root")
    public String merkleRoot;

    @Column(name = "leaf_count")
    public int leafCount;

    @Enumerated(EnumType.STRING)
    @Column(name = "status")
    public Status status;

    @Column(name = "transaction_hash")
    public String transactionHash;

    @Column(name = "block_number")
    public Long blockNumber;

    @Column(name = "gas_used")
    public Long gasUsed;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "anchored_at")
    public Instant anchoredAt;

    /** When the chain made the anchor's block final; null while a deep reorg could still remove it. */
    @Column(name = "finalized_at")
    public Instant finalizedAt;

    /** How often a reorg deeper than the confirmation depth withdrew an announced anchor. */
    @Column(name = "withdrawals")
    public int withdrawals;

    /** The transaction currently carrying this batch's root (a new one if an earlier one failed). */
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "chain_tx_id")
    public UUID chainTxId;

    /** How often a reorg dropped or moved this batch's anchor transaction. */
    @Column(name = "reorg_count")
    public int reorgCount;

    /** Why the last anchor transaction failed, if one did. */
    @Column(name = "failure")
    public String failure;
}
