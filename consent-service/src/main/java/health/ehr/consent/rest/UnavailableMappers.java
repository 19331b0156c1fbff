package health.ehr.consent.rest;

import health.ehr.consent.client.IdentityUnavailableException;
import health.ehr.contracts.ChainUnavailableException;
import health.ehr.support.rest.Problem;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** A dependency that did not answer (identity-service, Keycloak, the chain): 503 problem+json, logged. */
public class UnavailableMappers {

    private static final Logger LOG = Logger.getLogger(UnavailableMappers.class);

    @ServerExceptionMapper
    public Response identity(IdentityUnavailableException e) {
        LOG.warnf("identity-service unavailable: %s", e.getMessage());
        return Problem.of(Response.Status.SERVICE_UNAVAILABLE, "identity-unavailable",
                "identity-service could not answer; try again shortly.").toResponse();
    }

    @ServerExceptionMapper
    public Response chain(ChainUnavailableException e) {
        LOG.warnf("chain unavailable: %s", e.getMessage());
        return Problem.of(Response.Status.SERVICE_UNAVAILABLE, "chain-unavailable",
                "The Ethereum node could not answer; try again shortly.").toResponse();
    }
}
