package health.ehr.consent.repository;

import static health.ehr.events.Ids.bytes;

import health.ehr.events.Ids;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.query.TypedParameterValue;
import org.hibernate.type.StandardBasicTypes;

/**
 * The mirror's bookkeeping: its cursor (last applied block and hash), the hashes of processed
 * blocks and the applied ConsentRegistry logs. Every method runs in the caller's transaction.
 */
@ApplicationScoped
public class MirrorRepository {

    /** Where the mirror stands. {@code blockHash} is null before the first block was applied. */
    public record Cursor(long chainId, String contractAddress, long blockNumber, String blockHash) {
    }

    /** A block the mirror processed. */
    public record BlockRef(long number, String hash) {
    }

    /** A ConsentRegistry log as the mirror applied it. */
    public record AppliedLog(long blockNumber, int logIndex, String blockHash, String transactionHash, String event,
            String patientChainId, String granteeChainId, String scopeHash, Long expiresAt, long nonce,
            UUID consentId) {
    }

    public static final String GRANTED = "GRANTED";
    public static final String REVOKED = "REVOKED";

    private final EntityManager em;

    public MirrorRepository(EntityManager em) {
        this.em = em;
    }

    /** The cursor row, locked; empty when it does not exist yet or another replica holds it. */
    public Optional<Cursor> lockCursor() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT chain_id, contract_address, block_number, block_hash"
                + " FROM mirror_cursor WHERE id = 1 FOR UPDATE SKIP LOCKED").getResultList();
        return rows.stream().findFirst().map(r -> new Cursor(((Number) r[0]).longValue(), (String) r[1],
                ((Number) r[2]).longValue(), (String) r[3]));
    }

    /** Creates the cursor just before {@code startBlock}, unless it exists. */
    public void initCursor(long chainId, String contractAddress, long startBlock) {
        em.createNativeQuery("INSERT IGNORE INTO mirror_cursor (id, chain_id, contract_address, block_number,"
                        + " block_hash, updated_at) VALUES (1, ?1, ?2, ?3, NULL, ?4)")
                .setParameter(1, chainId).setParameter(2, contractAddress).setParameter(3, startBlock - 1)
                .setParameter(4, Instant.now()).executeUpdate();
    }

    /** Moves the cursor (forward after a round, back after a rollback). */
    public void moveCursor(long blockNumber, String blockHash) {
        em.createNativeQuery("UPDATE mirror_cursor SET block_number = ?1, block_hash = ?2, updated_at = ?3"
                        + " WHERE id = 1")
                .setParameter(1, blockNumber).setParameter(2, blockHash).setParameter(3, Instant.now())
                .executeUpdate();
    }

    /** Forgets every processed block and applied log and restarts the cursor for another registry. */
    public void restartFor(long chainId, String contractAddress, long startBlock) {
        em.createNativeQuery("DELETE FROM chain_log").executeUpdate();
        em.createNativeQuery("DELETE FROM mirror_block").executeUpdate();
        em.createNativeQuery("UPDATE mirror_cursor SET chain_id = ?1, contract_address = ?2, block_number = ?3,"
                        + " block_hash = NULL, updated_at = ?4 WHERE id = 1")
                .setParameter(1, chainId).setParameter(2, contractAddress).setParameter(3, startBlock - 1)
                .setParameter(4, Instant.now()).executeUpdate();
    }

    /** Processed blocks at or below {@code number}, highest first. */
    @SuppressWarnings("unchecked")
    public List<BlockRef> blocksDownFrom(long number, int limit) {
        List<Object[]> rows = em.createNativeQuery("SELECT block_number, block_hash FROM mirror_block"
                        + " WHERE block_number <= ?1 ORDER BY block_number DESC LIMIT " + limit)
                .setParameter(1, number).getResultList();
        return rows.stream().map(r -> new BlockRef(((Number) r[0]).longValue(), (String) r[1])).toList();
    }

    /** Remembers the hash of a processed block. */
    public void rememberBlock(long number, String hash) {
        em.createNativeQuery("INSERT INTO mirror_block (block_number, block_hash) VALUES (?1, ?2)"
                        + " ON DUPLICATE KEY UPDATE block_hash = VALUES(block_hash)")
                .setParameter(1, number).setParameter(2, hash).executeUpdate();
    }

    /** Forgets the blocks above {@code number} (after a rollback). */
    public void forgetBlocksAbove(long number) {
        em.createNativeQuery("DELETE FROM mirror_block WHERE block_number > ?1").setParameter(1, number)
                .executeUpdate();
    }

    /** Drops block hashes older than {@code number}: a reorg that deep is beyond the kept history. */
    public void pruneBlocksBelow(long number) {
        em.createNativeQuery("DELETE FROM mirror_block WHERE block_number < ?1").setParameter(1, number)
                .executeUpdate();
    }

    /** Records an applied log; false when this log (block, index) was applied already. */
    public boolean addLog(AppliedLog log) {
        return em.createNativeQuery("INSERT IGNORE INTO chain_log (block_number, log_index, block_hash,"
                        + " transaction_hash, event, patient_chain_id, grantee_chain_id, scope_hash, expires_at, nonce,"
                        + " consent_id, applied_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)")
                .setParameter(1, log.blockNumber()).setParameter(2, log.logIndex())
                .setParameter(3, log.blockHash()).setParameter(4, log.transactionHash())
                .setParameter(5, log.event()).setParameter(6, log.patientChainId())
                .setParameter(7, log.granteeChainId()).setParameter(8, log.scopeHash())
                .setParameter(9, new TypedParameterValue<>(StandardBasicTypes.LONG, log.expiresAt()))
                .setParameter(10, log.nonce())
                .setParameter(11, new TypedParameterValue<>(StandardBasicTypes.BINARY,
                        log.consentId() == null ? null : bytes(log.consentId())))
                .setParameter(12, Instant.now())
                .executeUpdate() == 1;
    }

    /** The consents touched by logs above {@code number}. */
    @SuppressWarnings("unchecked")
    public List<UUID> consentsWithLogsAbove(long number) {
        List<byte[]> ids = em.createNativeQuery("SELECT DISTINCT consent_id FROM chain_log"
                        + " WHERE block_number > ?1 AND consent_id IS NOT NULL")
                .setParameter(1, number).getResultList();
        return ids.stream().map(Ids::uuid).toList();
    }

    /** Undoes the logs above {@code number}; returns how many. */
    public int deleteLogsAbove(long number) {
        return em.createNativeQuery("DELETE FROM chain_log WHERE block_number > ?1").setParameter(1, number)
                .executeUpdate();
    }

    /** The consent's latest applied log of a kind ({@link #GRANTED} or {@link #REVOKED}). */
    @SuppressWarnings("unchecked")
    public Optional<AppliedLog> latestLog(UUID consentId, String event) {
        List<Object[]> rows = em.createNativeQuery("SELECT block_number, log_index, block_hash, transaction_hash,"
                        + " event, patient_chain_id, grantee_chain_id, scope_hash, expires_at, nonce FROM chain_log"
                        + " WHERE consent_id = ?1 AND event = ?2 ORDER BY block_number DESC, log_index DESC LIMIT 1")
                .setParameter(1, bytes(consentId)).setParameter(2, event).getResultList();
        return rows.stream().findFirst().map(r -> new AppliedLog(((Number) r[0]).longValue(),
                ((Number) r[1]).intValue(), (String) r[2], (String) r[3], (String) r[4], (String) r[5],
                (String) r[6], (String) r[7], r[8] == null ? null : ((Number) r[8]).longValue(),
                ((Number) r[9]).longValue(), consentId));
    }
}
