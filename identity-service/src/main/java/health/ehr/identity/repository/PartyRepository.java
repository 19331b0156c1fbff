package health.ehr.identity.repository;

import health.ehr.identity.Party;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Reads and writes {@link Party} rows. */
@ApplicationScoped
public class PartyRepository implements PanacheRepositoryBase<Party, UUID> {
}
