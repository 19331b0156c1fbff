package health.ehr.anchor;

import jakarta.persistence.Column;
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

    /** The anchor transaction is signed and persisted, not yet mined (or dropped by a reorg). */
    public static final String SUBMITTED = "SUBMITTED";
    /** Mined, waiting for the confirmation depth. */
    public static final String MINED = "MINED";
    /** Mined and past the confirmation depth: final, proofs can be trusted. */
    public static final String ANCHORED = "ANCHORED";
    /** Its chain was replaced and the operator adopted another: its leaves are in newer batches. */
    public static final String REPLACED = "REPLACED";

    @Id
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "batch_id")
    public UUID batchId;

    @Column(name = "merkle_root")
    public String merkleRoot;

    @Column(name = "leaf_count")
    public int leafCount;

    @Column(name = "status")
    public String status;

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
