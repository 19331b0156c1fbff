package health.ehr.exchange.rest;

import health.ehr.exchange.service.VerifiedRequest;
import health.ehr.support.rest.Page;
import health.ehr.support.rest.PageRequest;
import jakarta.validation.Valid;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * This organisation's directory for other installations, behind the exchange door. In this version it
 * answers an empty page: it proves the door end to end; asking identity-service's directory comes next
 * (docs/exchange.md).
 */
@Path("/exchange/v1/directory")
@Produces(MediaType.APPLICATION_JSON)
public class DirectoryResource {

    /** A practitioner of this organisation as other installations see it. */
    public record PractitionerEntry(String practitionerId, String organizationId, String givenName,
            String familyName, String specialty) {
    }

    @GET
    @Path("/practitioners")
    @Operation(summary = "This organisation's practitioners matching a query (signed request; empty for now)")
    public Page<PractitionerEntry> practitioners(@QueryParam("query") String query,
            @Valid @BeanParam PageRequest page, @Context ContainerRequestContext request) {
        // The door has verified the caller; the property is its proof (absent only if the door was bypassed).
        if (!(request.getProperty(ExchangeDoor.VERIFIED) instanceof VerifiedRequest)) {
            throw new IllegalStateException("the exchange door did not verify this request");
        }
        return new Page<>(List.of(), page.page, page.size, 0);
    }
}
