package health.ehr.anchor.repository;

import health.ehr.anchor.MerkleBatch;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Reads and writes {@link MerkleBatch} rows. */
@ApplicationScoped
public class MerkleBatchRepository implements PanacheRepositoryBase<MerkleBatch, UUID> {
}
