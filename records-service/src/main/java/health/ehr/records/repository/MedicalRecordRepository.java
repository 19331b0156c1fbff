package health.ehr.records.repository;

import health.ehr.records.MedicalRecord;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Reads and writes {@link MedicalRecord} rows. */
@ApplicationScoped
public class MedicalRecordRepository implements PanacheRepositoryBase<MedicalRecord, UUID> {
}
