package health.ehr.notification.repository;

import health.ehr.notification.Preference;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Reads and writes {@link Preference} rows. */
@ApplicationScoped
public class PreferenceRepository implements PanacheRepositoryBase<Preference, UUID> {
}
