package health.ehr.consent.client;

/** identity-service (or Keycloak, for consent-service's token) did not give a usable answer. */
public class IdentityUnavailableException extends RuntimeException {

    public IdentityUnavailableException(String message) {
        super(message);
    }

    public IdentityUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
