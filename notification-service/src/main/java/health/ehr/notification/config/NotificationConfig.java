package health.ehr.notification.config;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;

/** Typed configuration of notification-service (prefix {@code notification}); defaults in application.properties. */
@ConfigMapping(prefix = "notification")
public interface NotificationConfig {

    /** The platform's name as mail shows it. */
    String platformName();

    /** Where mail points its readers (the portal); no content is ever in the mail itself. */
    String portalUrl();

    /** Sending attempts of one mail before it is parked with its error. */
    int maxAttempts();

    /** Delay before the second attempt; doubles with each further attempt, with jitter. */
    Duration retryBase();

    /** Longest delay between two attempts. */
    Duration retryMax();

    /** How long a claimed mail belongs to one sender before another may take it over (crash recovery). */
    Duration lease();

    /**
     * How long a graceful stop waits for the mails in flight to be answered and recorded (keep it under
     * Quarkus' shutdown timeout and the pod's termination grace period).
     */
    Duration drainTimeout();

    /** How often the sender looks for due mails. */
    Duration sendInterval();

    /** Mails one replica sends at the same time (at most the mailer's connection pool, 10 by default). */
    int sendConcurrency();

    /** Most mails one sender round claims. */
    int batchSize();

    /** Default reminder lead in hours; also the longest a patient can choose (appointment-service emits then). */
    int defaultReminderLeadHours();
}
