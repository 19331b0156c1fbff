package health.ehr.anchor.service;

import health.ehr.anchor.ChainTransaction;
import java.time.Instant;

/**
 * Told by the {@link TransactionTracker} what happened to the transactions of the purposes it
 * handles, inside the tracker's database transaction (so an outcome and the events it publishes
 * through the outbox commit together with the transaction's new status).
 */
public interface TransactionOutcomes {

    /** Whether this listener owns transactions of {@code purpose}. */
    boolean handles(ChainTransaction.Purpose purpose);

    /** The transaction is in a block, not yet final. */
    default void mined(ChainTransaction tx) {
    }

    /** A reorg dropped the transaction from the chain; it is being broadcast again. */
    default void reorged(ChainTransaction tx) {
    }

    /** The transaction succeeded and is past the confirmation depth; {@code blockTime} is its block's time. */
    void confirmed(ChainTransaction tx, Instant blockTime);

    /**
     * A reorg deeper than the confirmation depth removed a confirmed transaction from its block: what
     * {@link #confirmed} announced no longer holds. Followed by {@link #reorged} (dropped, sent again)
     * or by {@link #mined} (moved to another block) and, once deep enough, {@link #confirmed} again.
     */
    default void withdrawn(ChainTransaction tx) {
    }

    /** The chain made the block of a confirmed transaction final; no reorg can remove it any more. */
    default void finalized(ChainTransaction tx) {
    }

    /** The transaction reverted (final) or lost its nonce to another transaction. */
    void failed(ChainTransaction tx, String reason);
}
