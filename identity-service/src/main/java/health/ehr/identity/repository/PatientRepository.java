package health.ehr.identity.repository;

import health.ehr.identity.Patient;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Reads and writes {@link Patient} rows. */
@ApplicationScoped
public class PatientRepository implements PanacheRepositoryBase<Patient, UUID> {
}
