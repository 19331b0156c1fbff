package health.ehr.appointment.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
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
    @WithDefault("30s")
    Duration reminderInterval();

    /** Most reminders one job round claims. */
    @WithDefault("200")
    int reminderBatchSize();

    /** Most slots one {@code POST /api/appointments/slots} may create. */
    @WithDefault("500")
    int maxSlotsPerRequest();

    /** Shortest slot, in minutes. */
    @WithDefault("5")
    int minSlotMinutes();

    /** Longest slot, in minutes. */
    @WithDefault("480")
    int maxSlotMinutes();
}
