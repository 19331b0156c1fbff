package health.ehr.exchange.rest;

import health.ehr.contracts.ChainUnavailableException;
import health.ehr.exchange.service.DoorRefusedException;
import health.ehr.exchange.service.ExchangeAudit;
import health.ehr.exchange.service.RequestVerifier;
import health.ehr.exchange.service.VerifiedRequest;
import health.ehr.support.rest.Problem;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The exchange door: every request under {@code /exchange/v1} except {@code GET /exchange/v1/organization}
 * is verified here, before its path is matched to a resource (a pre-matching filter), so that an unsigned
 * caller learns nothing about which paths exist. A refusal is 401 problem+json with its own problem type
 * and is logged; a chain that cannot be asked is 503 with {@code Retry-After}. The verification reads the
 * chain and writes the database, so it runs on a worker thread.
 */
public class ExchangeDoor {

    /** The request property holding the {@link VerifiedRequest} for the resources behind the door. */
    public static final String VERIFIED = "health.ehr.exchange.verified";
    /** The one public path. */
    public static final String PUBLIC_PATH = RequestVerifier.BASE_PATH + "/organization";

    private static final Logger LOG = Logger.getLogger(ExchangeDoor.class);

    private final RequestVerifier verifier;
    private final ExchangeAudit audit;

    public ExchangeDoor(RequestVerifier verifier, ExchangeAudit audit) {
        this.verifier = verifier;
        this.audit = audit;
    }

    @ServerRequestFilter(preMatching = true)
    public Uni<Response> guard(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        String rawPath = request.getUriInfo().getRequestUri().getRawPath();
        if (!guarded(path) && !guarded(rawPath)) {
            return Uni.createFrom().nullItem();
        }
        if ("GET".equals(request.getMethod()) && PUBLIC_PATH.equals(path) && PUBLIC_PATH.equals(rawPath)) {
            return Uni.createFrom().nullItem();
        }
        String method = request.getMethod();
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        return Uni.createFrom().item(() -> check(request, authorization, method, path))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private Response check(ContainerRequestContext request, String authorization, String method, String path) {
        try {
            VerifiedRequest verified = verifier.verify(authorization, method, path);
            audit.accepted(verified, method, path);
            request.setProperty(VERIFIED, verified);
            return null;
        } catch (DoorRefusedException e) {
            audit.refused(e, method, path);
            return Response.fromResponse(Problem.of(Response.Status.UNAUTHORIZED, e.refusal().slug(), e.getMessage())
                            .toResponse())
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"ehr-exchange\", error=\"invalid_token\"")
                    .build();
        } catch (ChainUnavailableException e) {
            LOG.warnf("exchange door cannot ask the chain: %s", e.getMessage());
            return Response.fromResponse(Problem.of(Response.Status.SERVICE_UNAVAILABLE, "chain-unavailable",
                            "The network's registry cannot be read right now; try again shortly.").toResponse())
                    .header("Retry-After", "5").build();
        }
    }

    private static boolean guarded(String path) {
        return path != null && (path.equals(RequestVerifier.BASE_PATH) || path.startsWith(RequestVerifier.BASE_PATH
                + "/") || path.startsWith("/exchange/") || path.equals("/exchange"));
    }
}
