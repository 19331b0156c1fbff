package health.ehr.appointment.repository;

import health.ehr.appointment.Slot;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Reads and writes {@link Slot} rows. */
@ApplicationScoped
public class SlotRepository implements PanacheRepositoryBase<Slot, UUID> {
}
