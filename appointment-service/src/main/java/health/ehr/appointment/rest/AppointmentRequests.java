package health.ehr.appointment.rest;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.UUID;

/** The bodies the appointment API reads (docs/api.md, Appointments). Answers: {@link AppointmentViews}. */
public final class AppointmentRequests {

    private AppointmentRequests() {
    }

    /** {@code {start, end}} for one slot or {@code {from, to, durationMinutes}} for a series. */
    public record CreateSlotsRequest(Instant start, Instant end, Instant from, Instant to, Integer durationMinutes) {
    }

    /** A booking: the slot and the patient's reason (stored here, never put into events or mail). */
    public record BookRequest(@NotNull(message = "is required") UUID slotId,
            @Size(max = 1000, message = "must be at most 1000 characters") String reason) {
    }

    /** Why an appointment is cancelled (stored here only). */
    public record CancelRequest(@Size(max = 1000, message = "must be at most 1000 characters") String reason) {
    }

    /** The slot an appointment moves to. */
    public record RescheduleRequest(@NotNull(message = "is required") UUID slotId) {
    }
}
