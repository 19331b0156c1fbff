package health.ehr.records.service;

import health.ehr.events.Ids;
import health.ehr.events.records.AuditHeadSealed;
import health.ehr.events.records.RecordAccessed;
import health.ehr.records.AccessAction;
import health.ehr.records.AccessLogEntry;
import health.ehr.records.repository.AccessLogEntryRepository;
import health.ehr.support.messaging.OutboxWriter;
import health.ehr.support.rest.Page;
import health.ehr.support.rest.PageRequest;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The append-only access log. Each patient's entries form a hash chain: an entry's hash covers the
 * previous entry's hash and the entry's own fields, so changing or removing a past entry breaks
 * every later hash ({@link #verify}). Appends for one patient are serialised by an exclusive row
 * lock on the chain's head (never a shared one first: see {@link #lockHead}); the head is sealed
 * periodically ({@code AuditHeadSealed}), which chain-anchor-service anchors like a record, so even
 * the platform cannot rewrite the log unnoticed.
 */
@ApplicationScoped
public class AccessLog {

    static final String GENESIS = "0x" + "00".repeat(32);
    private static final Logger LOG = Logger.getLogger(AccessLog.class);

    private final EntityManager em;
    private final AccessLogEntryRepository entries;
    private final OutboxWriter outbox;

    public AccessLog(EntityManager em, AccessLogEntryRepository entries, OutboxWriter outbox) {
        this.em = em;
        this.entries = entries;
        this.outbox = outbox;
    }

    /** Appends an entry in the caller's transaction and announces it ({@code RecordAccessed}). */
    @Transactional(Transactional.TxType.MANDATORY)
    public AccessLogEntry append(UUID patientId, UUID recordId, UUID actorId, String actorRole, AccessAction action,
            String purpose, boolean emergency) {
        Object[] head = lockHead(patientId);
        AccessLogEntry entry = new AccessLogEntry();
        entry.entryId = Ids.timeOrdered();
        entry.patientId = patientId;
        entry.seq = ((Number) head[0]).longValue() + 1;
        entry.recordId = recordId;
        entry.actorId = actorId;
        entry.actorRole = actorRole;
        entry.action = action;
        entry.purpose = purpose;
        entry.emergency = emergency;
        entry.at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        entry.prevHash = (String) head[1];
        entry.hash = hash(entry);
        entries.persist(entry);
        em.createNativeQuery("UPDATE access_log_head SET seq = ?1, hash = ?2 WHERE patient_id = ?3")
                .setParameter(1, entry.seq).setParameter(2, entry.hash).setParameter(3, Ids.bytes(patientId))
                .executeUpdate();
        outbox.append(new RecordAccessed(recordId, patientId, actorId, actorRole, action.name(), purpose, entry.at));
        return entry;
    }

    /**
     * Locks the patient's chain head exclusively (creating it at the genesis hash on the first entry)
     * and returns {seq, hash}. Only exclusive locks are ever asked for, so concurrent appends queue
     * on the head instead of deadlocking: an {@code INSERT IGNORE} that meets the existing row takes a
     * shared lock on it, and two appends each holding that shared lock while asking for the exclusive
     * one deadlocked (the database then rolled one back: a failed read). An existing head, the common
     * case, costs one locking read; {@code ON DUPLICATE KEY UPDATE} locks a row another first entry
     * created meanwhile exclusively, too.
     */
    private Object[] lockHead(UUID patientId) {
        byte[] id = Ids.bytes(patientId);
        @SuppressWarnings("unchecked")
        List<Object[]> head = em.createNativeQuery("SELECT seq, hash FROM access_log_head WHERE patient_id = ?1"
                + " FOR UPDATE").setParameter(1, id).getResultList();
        if (!head.isEmpty()) {
            return head.get(0);
        }
        em.createNativeQuery("INSERT INTO access_log_head (patient_id, seq, hash, sealed_seq) VALUES (?1, 0, ?2, 0)"
                + " ON DUPLICATE KEY UPDATE patient_id = patient_id").setParameter(1, id).setParameter(2, GENESIS)
                .executeUpdate();
        return (Object[]) em.createNativeQuery("SELECT seq, hash FROM access_log_head WHERE patient_id = ?1"
                + " FOR UPDATE").setParameter(1, id).getSingleResult();
    }

    /** A page of a patient's log, newest first. */
    public Page<AccessLogEntry> page(UUID patientId, PageRequest page) {
        long total = entries.count("patientId", patientId);
        List<AccessLogEntry> items = entries.find("patientId = ?1 ORDER BY seq DESC", patientId)
                .page(page.page, page.size).list();
        return new Page<>(items, page.page, page.size, total);
    }

    /** Recomputes a patient's chain; returns the first broken position, or 0 when intact. */
    public Verification verify(UUID patientId) {
        List<AccessLogEntry> chain = entries.find("patientId = ?1 ORDER BY seq", patientId).list();
        String previous = GENESIS;
        long expectedSeq = 1;
        for (AccessLogEntry entry : chain) {
            if (entry.seq != expectedSeq || !entry.prevHash.equals(previous) || !entry.hash.equals(hash(entry))) {
                return new Verification(false, chain.size(), entry.seq, previous);
            }
            previous = entry.hash;
            expectedSeq++;
        }
        return new Verification(true, chain.size(), 0, previous);
    }

    /** Seals every chain head that moved since its last seal, for anchoring. */
    @Scheduled(every = "${records.audit-seal-interval}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sealHeads() {
        try {
            int sealed = QuarkusTransaction.requiringNew().call(() -> {
                @SuppressWarnings("unchecked")
                List<Object[]> heads = em.createNativeQuery("SELECT patient_id, seq, hash FROM access_log_head"
                        + " WHERE seq > sealed_seq LIMIT 500 FOR UPDATE SKIP LOCKED").getResultList();
                for (Object[] head : heads) {
                    UUID patient = Ids.uuid((byte[]) head[0]);
                    long seq = ((Number) head[1]).longValue();
                    outbox.append(new AuditHeadSealed(Ids.timeOrdered(), patient, (String) head[2], seq,
                            Instant.now()));
                    em.createNativeQuery("UPDATE access_log_head SET sealed_seq = ?1 WHERE patient_id = ?2")
                            .setParameter(1, seq).setParameter(2, head[0]).executeUpdate();
                }
                return heads.size();
            });
            if (sealed > 0) {
                LOG.infof("sealed %d access-log heads", sealed);
            }
        } catch (RuntimeException e) {
            LOG.warnf("sealing access-log heads failed, retried next round: %s", e.getMessage());
        }
    }

    static String hash(AccessLogEntry entry) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(HexFormat.of().parseHex(entry.prevHash.substring(2)));
            String canonical = String.join("\n", Long.toString(entry.seq), entry.patientId.toString(),
                    entry.recordId.toString(), entry.actorId.toString(), entry.actorRole, entry.action.name(),
                    entry.purpose, Boolean.toString(entry.emergency), entry.at.toString());
            return "0x" + HexFormat.of().formatHex(sha.digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The outcome of a chain verification. */
    public record Verification(boolean intact, int entries, long firstBrokenSeq, String headHash) {
    }
}
