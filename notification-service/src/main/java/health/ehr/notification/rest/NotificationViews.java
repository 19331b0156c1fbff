package health.ehr.notification.rest;

import health.ehr.notification.Delivery;
import java.time.Instant;
import java.util.UUID;

/** What the notification API answers (docs/api.md, Notifications). Bodies it reads: {@link NotificationRequests}. */
public final class NotificationViews {

    private NotificationViews() {
    }

    /** One delivery as the API shows it; {@code lastError} says why a mail is retried or parked. */
    public record NotificationView(UUID notificationId, String eventId, String recipient, String template,
            String status, int attempts, Instant sentAt, String lastError) {

        static NotificationView of(Delivery d) {
            return new NotificationView(d.deliveryId, d.eventId, d.recipient, d.template, d.status.name(), d.attempts,
                    d.sentAt, d.lastError);
        }
    }

    /** The stored preferences. */
    public record PreferencesView(boolean emailEnabled, int reminderLeadHours) {
    }
}
