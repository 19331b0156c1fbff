package health.ehr.appointment.repository;

import health.ehr.appointment.Slot;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

/** Reads and writes {@link Slot} rows; {@link #claim} and {@link #release} are the booking's atomic steps. */
@ApplicationScoped
public class SlotRepository implements PanacheRepositoryBase<Slot, UUID> {

    /**
     * Takes a free, future slot: a conditional UPDATE whose row count says who won. InnoDB makes
     * concurrent claims of one row wait for each other and re-check {@code available}, so exactly
     * one transaction sees 1.
     */
    public boolean claim(UUID slotId, Instant now) {
        return update("available = false where slotId = ?1 and available = true and startAt > ?2", slotId, now) == 1;
    }

    /** Frees a slot again (cancel, reschedule away). */
    public void release(UUID slotId) {
        update("available = true where slotId = ?1", slotId);
    }

    /** Whether the practitioner has a slot overlapping [start, end). */
    public boolean overlaps(UUID practitionerId, Instant start, Instant end) {
        return count("practitionerId = ?1 and startAt < ?2 and endAt > ?3", practitionerId, end, start) > 0;
    }

    /** Free future slots, optionally of one practitioner, starting in [from, to). */
    public io.quarkus.hibernate.orm.panache.PanacheQuery<Slot> free(UUID practitionerId, Instant from, Instant to) {
        String query = "available = true and startAt >= :from and startAt < :to"
                + (practitionerId == null ? "" : " and practitionerId = :practitioner");
        Parameters params = Parameters.with("from", from).and("to", to);
        if (practitionerId != null) {
            params = params.and("practitioner", practitionerId);
        }
        return find(query, Sort.by("startAt").and("slotId"), params);
    }
}
