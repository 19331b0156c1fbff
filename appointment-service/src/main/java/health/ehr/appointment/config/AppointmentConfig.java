package health.ehr.appointment.config;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;

/** Typed configuration of appointment-service (prefix {@code appointment}); defaults in application.properties. */
@ConfigMapping(prefix = "appointment")
public interface AppointmentConfig {

    /**
     * How long before an appointment its {@code AppointmentReminderDue} event goes out. It is the
     * longest lead a patient can choose: notification-service holds the mail back until the
     * patient's own {@code reminderLeadHours} (never longer than this) before the start.
     */
    Duration reminderLead();

    /** How often the reminder job looks for due reminders. */
    Duration reminderInterval();

    /** Most reminders one job round claims. */
    int reminderBatchSize();

    /** Most slots one {@code POST /api/appointments/slots} may create. */
    int maxSlotsPerRequest();

    /** Shortest slot, in minutes. */
    int minSlotMinutes();

    /** Longest slot, in minutes. */
    int maxSlotMinutes();
}
