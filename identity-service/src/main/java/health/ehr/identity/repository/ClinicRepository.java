package health.ehr.identity.repository;

import health.ehr.identity.Clinic;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Reads and writes {@link Clinic} rows. */
@ApplicationScoped
public class ClinicRepository implements PanacheRepositoryBase<Clinic, UUID> {
}
