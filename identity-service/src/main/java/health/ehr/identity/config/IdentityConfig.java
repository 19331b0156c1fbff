package health.ehr.identity.config;

import io.smallrye.config.ConfigMapping;

/** Typed configuration of identity-service (prefix {@code identity}); defaults in application.properties. */
@ConfigMapping(prefix = "identity")
public interface IdentityConfig {

    /** The Keycloak realm that holds the platform's users. */
    String realm();

    /** Base URL of Keycloak, for the admin client. */
    String keycloakUrl();
}
