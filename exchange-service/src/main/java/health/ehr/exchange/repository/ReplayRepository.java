package health.ehr.exchange.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Instant;

/** The {@code (issuer, jti)} pairs the door has accepted, until they expire ({@code exchange_replay}). */
@ApplicationScoped
public class ReplayRepository {

    private final EntityManager em;

    public ReplayRepository(EntityManager em) {
        this.em = em;
    }

    /**
     * Remembers the pair until {@code expiresAt}; false when it is remembered already (a replay). One
     * statement: the primary key decides between concurrent requests on any replica.
     */
    public boolean remember(String issuer, String jti, Instant expiresAt) {
        return em.createNativeQuery("INSERT IGNORE INTO exchange_replay (issuer, jti, expires_at) VALUES (?1, ?2, ?3)")
                .setParameter(1, issuer).setParameter(2, jti).setParameter(3, expiresAt)
                .executeUpdate() == 1;
    }

    /** Forgets pairs that expired before {@code before}; returns how many. */
    public int purge(Instant before) {
        return em.createNativeQuery("DELETE FROM exchange_replay WHERE expires_at < ?1 LIMIT 10000")
                .setParameter(1, before).executeUpdate();
    }
}
