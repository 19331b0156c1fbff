package health.ehr.consent.client;

import health.ehr.consent.client.IdentityApi.Party;
import health.ehr.consent.client.IdentityApi.Signature;
import health.ehr.consent.client.IdentityApi.SigningRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * What consent-service asks identity-service: parties (is the grantee a practitioner or clinic,
 * the patient's chain id and controller) and custodial signatures. Every failure of the call
 * itself becomes an {@link IdentityUnavailableException}, never an HTTP status of identity-service
 * leaking to consent-service's own caller.
 */
@ApplicationScoped
public class IdentityDirectory {

    private final IdentityApi api;
    private final ServiceToken token;

    public IdentityDirectory(@RestClient IdentityApi api, ServiceToken token) {
        this.api = api;
        this.token = token;
    }

    /** The party, or empty when identity-service does not know it. */
    public Optional<Party> party(UUID partyId) {
        try {
            return Optional.of(call(bearer -> api.party(bearer, partyId)));
        } catch (WebApplicationException e) {
            if (e.getResponse().getStatus() == 404) {
                return Optional.empty();
            }
            throw unavailable(e);
        }
    }

    /**
     * A custodial signature.
     *
     * @throws IdentityUnavailableException when identity-service cannot sign (down, or refusing)
     */
    public Signature sign(SigningRequest request) {
        try {
            return call(bearer -> api.sign(bearer, request));
        } catch (WebApplicationException e) {
            throw unavailable(e);
        }
    }

    private <T> T call(Function<String, T> request) {
        try {
            try {
                return request.apply(token.bearer());
            } catch (WebApplicationException e) {
                if (e.getResponse().getStatus() != 401) {
                    throw e;
                }
                // The cached token was refused (e.g. Keycloak's keys rotated): one more try with a fresh one.
                token.invalidate();
                return request.apply(token.bearer());
            }
        } catch (ProcessingException e) {
            throw new IdentityUnavailableException("identity-service is not reachable: " + e.getMessage(), e);
        }
    }

    private static IdentityUnavailableException unavailable(WebApplicationException e) {
        return new IdentityUnavailableException("identity-service answered " + e.getResponse().getStatus(), e);
    }
}
