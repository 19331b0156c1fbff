package health.ehr.exchange.repository;

import health.ehr.exchange.OrganizationKey;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;

/** Reads and writes {@link OrganizationKey} rows. */
@ApplicationScoped
public class OrganizationKeyRepository implements PanacheRepositoryBase<OrganizationKey, OrganizationKey.Id> {

    /** The newest version of the key for {@code purpose}. */
    public Optional<OrganizationKey> current(OrganizationKey.Purpose purpose) {
        return find("id.purpose = ?1 order by id.version desc", purpose.name()).firstResultOptional();
    }

    /**
     * Stores a key unless that purpose and version exist already (another replica won the race on first
     * start); true when this one was stored.
     */
    public boolean insertIfAbsent(OrganizationKey.Purpose purpose, int version, String kekId, byte[] wrapped,
            byte[] publicKey, Instant now) {
        return getEntityManager().createNativeQuery("INSERT IGNORE INTO organization_key (purpose, version,"
                        + " kek_id, wrapped_key, public_key, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                .setParameter(1, purpose.name()).setParameter(2, version).setParameter(3, kekId)
                .setParameter(4, wrapped).setParameter(5, publicKey).setParameter(6, now)
                .executeUpdate() == 1;
    }
}
