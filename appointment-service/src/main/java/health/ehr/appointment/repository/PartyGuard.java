package health.ehr.appointment.repository;

import health.ehr.events.Ids;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serialises one party's overlap-sensitive writes in the database: {@link #lock} takes an exclusive
 * row lock on the party's {@code party_guard} row ({@code SELECT ... FOR UPDATE}), held until the
 * transaction ends. The row is created beforehand in its own short transaction: creating it inside
 * the locking transaction (INSERT ... ON DUPLICATE KEY UPDATE, or INSERT IGNORE then FOR UPDATE)
 * lets two first-time requests of the same party deadlock on InnoDB's insert/gap locks.
 * Works the same on MySQL 8 and MariaDB.
 */
@ApplicationScoped
public class PartyGuard {

    private final EntityManager em;
    /** Parties whose guard row is known to exist (rows are never deleted): saves a round trip. */
    private final Set<UUID> known = ConcurrentHashMap.newKeySet();

    public PartyGuard(EntityManager em) {
        this.em = em;
    }

    /**
     * Locks the party's guard row for the rest of the current transaction. Call it before any other
     * read of the transaction: the lock is a locking read, so InnoDB's REPEATABLE READ snapshot is
     * only taken by the next plain read, after the lock is held, and then sees every appointment a
     * previous holder committed.
     */
    public void lock(UUID partyId) {
        byte[] id = Ids.bytes(partyId);
        if (!known.contains(partyId)) {
            // Its own transaction (and snapshot), so the caller's transaction has read nothing yet.
            QuarkusTransaction.requiringNew().run(() -> {
                if (em.createNativeQuery("SELECT 1 FROM party_guard WHERE party_id = ?1").setParameter(1, id)
                        .getResultList().isEmpty()) {
                    em.createNativeQuery("INSERT IGNORE INTO party_guard (party_id, touched_at) VALUES (?1, ?2)")
                            .setParameter(1, id).setParameter(2, Instant.now()).executeUpdate();
                }
            });
            known.add(partyId);
        }
        em.createNativeQuery("SELECT party_id FROM party_guard WHERE party_id = ?1 FOR UPDATE")
                .setParameter(1, id).getResultList();
    }
}
