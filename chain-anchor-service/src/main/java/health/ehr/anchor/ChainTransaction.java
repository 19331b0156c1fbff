package health.ehr.anchor;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A transaction of the chain writer, persisted with its nonce and signed bytes before it is ever
 * broadcast, so that a crash can neither lose it nor make the writer send a second one in its place.
 */
@Entity
@Table(name = "chain_tx")
public class ChainTransaction {

    /** Signed and persisted, not yet accepted by the node. */
    public static final String SIGNED = "SIGNED";
    /** Accepted by the node, not mined (or dropped again by a reorg). */
    public static final String SENT = "SENT";
    /** In a block, fewer than the configured confirmations deep. */
    public static final String MINED = "MINED";
    /**
     * Successful and past the confirmation depth; watched until the chain makes its block final
     * ({@link #finalizedAt}), and back to MINED or SENT if a deeper reorg removes it.
     */
    public static final String CONFIRMED = "CONFIRMED";
    /** Final and reverted, or its nonce was used by another transaction. */
    public static final String FAILED = "FAILED";

    /** What a transaction is for: decides who is told about its outcome. */
    public enum Purpose {
        ANCHOR_BATCH, REGISTER_PATIENT, GRANT_CONSENT, REVOKE_CONSENT,
        /** A zero-value transfer to the writer itself that fills a nonce the chain lacks. */
        NONCE_FILL
    }

    @Id
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "tx_id")
    public UUID txId;

    @Column(name = "from_address")
    public String fromAddress;

    @Column(name = "nonce")
    public long nonce;

    @Column(name = "purpose")
    public String purpose;

    /** The batch id or the chain command id. */
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "subject_id")
    public UUID subjectId;

    @Column(name = "to_address")
    public String toAddress;

    @Column(name = "call_data", columnDefinition = "LONGTEXT")
    public String callData;

    @Column(name = "gas_limit")
    public long gasLimit;

    @Column(name = "max_fee_per_gas")
    public long maxFeePerGas;

    @Column(name = "max_priority_fee_per_gas")
    public long maxPriorityFeePerGas;

    /** The current signed transaction (0x hex); replaced by a fee bump. */
    @Column(name = "raw_tx", columnDefinition = "LONGTEXT")
    public String rawTx;

    @Column(name = "tx_hash")
    public String txHash;

    @Column(name = "status")
    public String status;

    /** Which of the broadcast hashes was mined (the current or an earlier fee version). */
    @Column(name = "mined_hash")
    public String minedHash;

    @Column(name = "block_number")
    public Long blockNumber;

    @Column(name = "block_hash")
    public String blockHash;

    @Column(name = "gas_used")
    public Long gasUsed;

    @Column(name = "broadcasts")
    public int broadcasts;

    @Column(name = "fee_bumps")
    public int feeBumps;

    @Column(name = "reorgs")
    public int reorgs;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "created_at")
    public Instant createdAt;

    /** When it was last broadcast. */
    @Column(name = "sent_at")
    public Instant sentAt;

    @Column(name = "mined_at")
    public Instant minedAt;

    @Column(name = "confirmed_at")
    public Instant confirmedAt;

    /** When the chain made its block final (finalized tag or depth); null while it is watched. */
    @Column(name = "finalized_at")
    public Instant finalizedAt;

    public Purpose purpose() {
        return Purpose.valueOf(purpose);
    }

    /** Whether the writer still has to carry it to confirmation. */
    public boolean inFlight() {
        return SIGNED.equals(status) || SENT.equals(status) || MINED.equals(status);
    }

    /** Confirmed, but its block is not final yet: a reorg could still remove it. */
    public boolean watched() {
        return CONFIRMED.equals(status) && finalizedAt == null;
    }
}
