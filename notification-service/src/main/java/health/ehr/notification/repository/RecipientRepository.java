package health.ehr.notification.repository;

import health.ehr.events.Ids;
import health.ehr.notification.Recipient;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

/** Reads and writes {@link Recipient} rows. */
@ApplicationScoped
public class RecipientRepository implements PanacheRepositoryBase<Recipient, UUID> {

    /** Inserts or replaces a party's address. */
    public void upsert(UUID partyId, String role, String email) {
        getEntityManager().createNativeQuery("INSERT INTO recipient (party_id, role, email, updated_at)"
                        + " VALUES (?1, ?2, ?3, ?4) ON DUPLICATE KEY UPDATE role = VALUES(role),"
                        + " email = VALUES(email), updated_at = VALUES(updated_at)")
                .setParameter(1, Ids.bytes(partyId)).setParameter(2, role).setParameter(3, email)
                .setParameter(4, Instant.now()).executeUpdate();
    }
}
