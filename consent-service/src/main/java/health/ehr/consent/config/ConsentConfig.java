package health.ehr.consent.config;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;

/** Typed configuration of consent-service (prefix {@code consent}); defaults in application.properties. */
@ConfigMapping(prefix = "consent")
public interface ConsentConfig {

    /** Blocks on top of a consent transaction before the mirror applies it. */
    int confirmations();

    /** How often the mirror polls the chain for ConsentRegistry logs. */
    Duration pollInterval();
}
