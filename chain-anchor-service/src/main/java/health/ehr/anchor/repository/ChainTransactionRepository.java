package health.ehr.anchor.repository;

import static health.ehr.events.Ids.bytes;

import health.ehr.anchor.ChainTransaction;
import health.ehr.events.Ids;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/** Reads and writes the chain writer's transactions, their broadcast hashes and its nonce. */
@ApplicationScoped
public class ChainTransactionRepository implements PanacheRepositoryBase<ChainTransaction, UUID> {

    /** Ids of transactions still to watch, lowest nonce first. */
    public List<UUID> inFlightIds(int limit) {
        @SuppressWarnings("unchecked")
        List<byte[]> ids = getEntityManager().createNativeQuery("SELECT tx_id FROM chain_tx"
                        + " WHERE status IN ('SIGNED', 'SENT', 'MINED') ORDER BY nonce LIMIT " + limit)
                .getResultList();
        return ids.stream().map(Ids::uuid).toList();
    }

    /** Ids of confirmed transactions whose block the chain has not made final yet, lowest nonce first. */
    public List<UUID> watchedIds(int limit) {
        @SuppressWarnings("unchecked")
        List<byte[]> ids = getEntityManager().createNativeQuery("SELECT tx_id FROM chain_tx"
                        + " WHERE finalized_at IS NULL AND status = 'CONFIRMED' ORDER BY nonce LIMIT " + limit)
                .getResultList();
        return ids.stream().map(Ids::uuid).toList();
    }

    /** The lowest nonce of a transaction in flight, if any. */
    public OptionalLong lowestInFlightNonce() {
        Number lowest = (Number) getEntityManager().createNativeQuery("SELECT MIN(nonce) FROM chain_tx"
                + " WHERE status IN ('SIGNED', 'SENT', 'MINED')").getSingleResult();
        return lowest == null ? OptionalLong.empty() : OptionalLong.of(lowest.longValue());
    }

    /** Whether a watched (confirmed, not final) transaction holds {@code nonce} or a higher one. */
    public boolean watchedNonceAtOrAbove(long nonce) {
        Number n = (Number) getEntityManager().createNativeQuery("SELECT COUNT(*) FROM chain_tx"
                        + " WHERE finalized_at IS NULL AND status = 'CONFIRMED' AND nonce >= ?1")
                .setParameter(1, nonce).getSingleResult();
        return n.longValue() > 0;
    }

    /** The transaction of the writer {@code fromAddress} with {@code nonce}, if one is on record. */
    public Optional<ChainTransaction> withNonce(String fromAddress, long nonce) {
        return find("fromAddress = ?1 and nonce = ?2", fromAddress, nonce).firstResultOptional();
    }

    public long countInFlight() {
        return count("status in ?1", List.of(ChainTransaction.SIGNED, ChainTransaction.SENT, ChainTransaction.MINED));
    }

    /**
     * Locks one transaction row for this replica ({@code FOR UPDATE SKIP LOCKED}); empty when another
     * replica holds it. Must run in a transaction.
     */
    public Optional<ChainTransaction> lock(UUID txId) {
        @SuppressWarnings("unchecked")
        List<byte[]> locked = getEntityManager().createNativeQuery(
                        "SELECT tx_id FROM chain_tx WHERE tx_id = ?1 FOR UPDATE SKIP LOCKED")
                .setParameter(1, bytes(txId)).getResultList();
        if (locked.isEmpty()) {
            return Optional.empty();
        }
        ChainTransaction tx = findById(txId);
        getEntityManager().refresh(tx);
        return Optional.of(tx);
    }

    /** Every hash ever broadcast for a transaction, newest first. */
    public List<String> hashes(UUID txId) {
        @SuppressWarnings("unchecked")
        List<String> hashes = getEntityManager().createNativeQuery(
                        "SELECT tx_hash FROM chain_tx_hash WHERE tx_id = ?1 ORDER BY created_at DESC")
                .setParameter(1, bytes(txId)).getResultList();
        return hashes;
    }

    public void addHash(ChainTransaction tx) {
        getEntityManager().createNativeQuery("INSERT INTO chain_tx_hash (tx_hash, tx_id, max_fee_per_gas,"
                        + " max_priority_fee_per_gas, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
                .setParameter(1, tx.txHash).setParameter(2, bytes(tx.txId)).setParameter(3, tx.maxFeePerGas)
                .setParameter(4, tx.maxPriorityFeePerGas).setParameter(5, Instant.now()).executeUpdate();
    }

    /**
     * Locks the writer's nonce row until the caller's transaction ends and returns its next nonce
     * (creating the row at 0 the first time).
     */
    public long lockNextNonce(String fromAddress) {
        getEntityManager().createNativeQuery(
                        "INSERT IGNORE INTO writer_nonce (from_address, next_nonce) VALUES (?1, 0)")
                .setParameter(1, fromAddress).executeUpdate();
        Number next = (Number) getEntityManager().createNativeQuery(
                        "SELECT next_nonce FROM writer_nonce WHERE from_address = ?1 FOR UPDATE")
                .setParameter(1, fromAddress).getSingleResult();
        return next.longValue();
    }

    public void setNextNonce(String fromAddress, long next) {
        getEntityManager().createNativeQuery("UPDATE writer_nonce SET next_nonce = ?1 WHERE from_address = ?2")
                .setParameter(1, next).setParameter(2, fromAddress).executeUpdate();
    }
}
