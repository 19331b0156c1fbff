package health.ehr.appointment.rest;

import health.ehr.appointment.Slot;
import java.time.Instant;
import java.util.UUID;

/** A slot as the API shows it (docs/api.md {@code Slot}). */
public record SlotView(UUID slotId, UUID practitionerId, Instant start, Instant end, boolean available) {

    static SlotView of(Slot s) {
        return new SlotView(s.slotId, s.practitionerId, s.startAt, s.endAt, s.available);
    }
}
