package health.ehr.anchor.rest;

import health.ehr.anchor.service.AnchorQueries;
import health.ehr.anchor.service.AnchorViews;
import health.ehr.support.security.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Internal: a record's Merkle proof, for records-service's {@code GET /api/records/{id}/proof}
 * (which checks that the caller may see the record). Only the platform's services (realm role
 * {@code service}) may call it; the gateway does not route it to the public.
 */
@Path("/api/anchors/proofs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Internal", description = "Service-to-service endpoints (role service)")
public class ProofResource {

    private final AnchorQueries queries;

    public ProofResource(AnchorQueries queries) {
        this.queries = queries;
    }

    @GET
    @Path("/{recordId}")
    @RolesAllowed(Role.SERVICE_NAME)
    @SecurityRequirement(name = "jwt")
    @Operation(summary = "A record's proof (docs/api.md, Proof); PENDING until its batch is confirmed, then"
            + " ANCHORED; finalized once the chain has made the anchor's block final")
    @APIResponse(responseCode = "200", description = "The proof")
    @APIResponse(responseCode = "400", description = "recordId is not a UUID")
    @APIResponse(responseCode = "401", description = "No valid token")
    @APIResponse(responseCode = "403", description = "Not a platform service")
    @APIResponse(responseCode = "404", description = "No hash of this record reached the anchor service")
    public AnchorViews.Proof proof(@PathParam("recordId") String recordId) {
        return queries.proof(AnchorResource.uuid(recordId, "recordId"));
    }
}
