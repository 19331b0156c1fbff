package health.ehr.notification.config;

import io.smallrye.config.ConfigMapping;

/** Typed configuration of notification-service (prefix {@code notification}); defaults in application.properties. */
@ConfigMapping(prefix = "notification")
public interface NotificationConfig {

    /** The platform's name as mail shows it. */
    String platformName();

    /** Sending attempts of one mail before it is parked with its error. */
    int maxAttempts();
}
