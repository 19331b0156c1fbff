package health.ehr.records.repository;

import health.ehr.records.EmergencyGrant;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Reads and writes {@link EmergencyGrant} rows. */
@ApplicationScoped
public class EmergencyGrantRepository implements PanacheRepositoryBase<EmergencyGrant, UUID> {
}
