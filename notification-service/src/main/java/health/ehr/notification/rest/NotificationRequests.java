package health.ehr.notification.rest;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** The bodies the notification API reads (docs/api.md, Notifications). Answers: {@link NotificationViews}. */
public final class NotificationRequests {

    private NotificationRequests() {
    }

    /**
     * {@code emailEnabled=false} stops non-essential mail (appointments, reminders, shared records);
     * security mail (emergency access, consent changes) is always sent. {@code reminderLeadHours}:
     * 1–24 (appointment-service announces reminders 24 h ahead; the mail waits until this lead).
     */
    public record PreferencesRequest(@NotNull(message = "is required") Boolean emailEnabled,
            @Min(value = 1, message = "must be at least 1") @Max(value = 24, message = "must be at most 24")
            Integer reminderLeadHours) {
    }
}
