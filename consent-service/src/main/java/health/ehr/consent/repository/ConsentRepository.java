package health.ehr.consent.repository;

import health.ehr.consent.Consent;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Reads and writes {@link Consent} rows. */
@ApplicationScoped
public class ConsentRepository implements PanacheRepositoryBase<Consent, UUID> {
}
