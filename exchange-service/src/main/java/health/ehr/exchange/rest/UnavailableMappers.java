package health.ehr.exchange.rest;

import health.ehr.contracts.ChainUnavailableException;
import health.ehr.support.rest.Problem;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The chain not answering is 503 problem+json with {@code Retry-After}, never a 500. */
public class UnavailableMappers {

    private static final Logger LOG = Logger.getLogger(UnavailableMappers.class);

    @ServerExceptionMapper
    public Response chain(ChainUnavailableException e) {
        LOG.warnf("chain unavailable: %s", e.getMessage());
        return Response.fromResponse(Problem.of(Response.Status.SERVICE_UNAVAILABLE, "chain-unavailable",
                "The network's registry cannot be read right now; try again shortly.").toResponse())
                .header("Retry-After", "5").build();
    }
}
