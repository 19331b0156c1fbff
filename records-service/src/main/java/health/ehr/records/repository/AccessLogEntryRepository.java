package health.ehr.records.repository;

import health.ehr.records.AccessLogEntry;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Reads and writes {@link AccessLogEntry} rows. */
@ApplicationScoped
public class AccessLogEntryRepository implements PanacheRepositoryBase<AccessLogEntry, UUID> {
}
