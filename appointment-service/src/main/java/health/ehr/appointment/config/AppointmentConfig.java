package health.ehr.appointment.config;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;

/** Typed configuration of appointment-service (prefix {@code appointment}); defaults in application.properties. */
@ConfigMapping(prefix = "appointment")
public interface AppointmentConfig {

    /** How long before an appointment its reminder goes out, unless the patient prefers otherwise. */
    Duration reminderLead();
}
