package health.ehr.anchor.rest;

import health.ehr.anchor.service.AnchorQueries;
import health.ehr.anchor.service.AnchorViews;
import health.ehr.anchor.service.ChainIdentity;
import health.ehr.support.rest.DomainException;
import health.ehr.support.rest.Page;
import health.ehr.support.rest.PageRequest;
import health.ehr.support.security.Role;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The public Anchors API (docs/api.md, Anchors): batches, proof verification and the chain's state. */
@Path("/api/anchors")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Anchors", description = "Merkle batches anchored in AnchorRegistry")
public class AnchorResource {

    private final AnchorQueries queries;
    private final ChainIdentity identity;

    public AnchorResource(AnchorQueries queries, ChainIdentity identity) {
        this.queries = queries;
        this.identity = identity;
    }

    @GET
    @Path("/batches")
    @RolesAllowed({Role.ADMIN_NAME, Role.AUDITOR_NAME})
    @SecurityRequirement(name = "jwt")
    @Operation(summary = "List anchor batches, newest first")
    @APIResponse(responseCode = "200", description = "A page of batches")
    @APIResponse(responseCode = "400", description = "Invalid page or size")
    @APIResponse(responseCode = "401", description = "No valid token")
    @APIResponse(responseCode = "403", description = "Neither admin nor auditor")
    public Page<AnchorViews.Batch> batches(@Valid @BeanParam PageRequest page) {
        return queries.batches(page);
    }

    @GET
    @Path("/batches/{batchId}")
    @RolesAllowed({Role.ADMIN_NAME, Role.AUDITOR_NAME})
    @SecurityRequirement(name = "jwt")
    @Operation(summary = "One anchor batch")
    @APIResponse(responseCode = "200", description = "The batch")
    @APIResponse(responseCode = "400", description = "batchId is not a UUID")
    @APIResponse(responseCode = "401", description = "No valid token")
    @APIResponse(responseCode = "403", description = "Neither admin nor auditor")
    @APIResponse(responseCode = "404", description = "No such batch")
    public AnchorViews.Batch batch(@PathParam("batchId") String batchId) {
        return queries.batch(uuid(batchId, "batchId"));
    }

    @POST
    @Path("/verify")
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Verify a Merkle proof and whether its root is anchored",
            description = "Recomputes the root from leaf and proof (leaf = sha256(0x00 || recordId || sha256), node ="
                    + " sha256(0x01 || left || right)) and reads AnchorRegistry.anchoredAt(merkleRoot)."
                    + " No token needed.")
    @APIResponse(responseCode = "200",
            description = "valid: the proof folds to merkleRoot; anchored: the root is on chain")
    @APIResponse(responseCode = "400", description = "Malformed body or invalid fields")
    @APIResponse(responseCode = "415", description = "Not JSON")
    @APIResponse(responseCode = "503", description = "The Ethereum node does not answer")
    public AnchorViews.VerifyResult verify(@Valid @NotNull(message = "a body is required")
            AnchorViews.VerifyRequest request) {
        return queries.verify(request);
    }

    @GET
    @Path("/chain")
    @RolesAllowed({Role.ADMIN_NAME, Role.AUDITOR_NAME})
    @SecurityRequirement(name = "jwt")
    @Operation(summary = "The chain as the writer sees it: head, writer balance, pending transactions, contracts")
    @APIResponse(responseCode = "200", description = "The chain's state")
    @APIResponse(responseCode = "401", description = "No valid token")
    @APIResponse(responseCode = "403", description = "Neither admin nor auditor")
    @APIResponse(responseCode = "503", description = "The Ethereum node does not answer")
    public AnchorViews.ChainStatus chain() {
        return queries.chainStatus();
    }

    @POST
    @Path("/chain/adopt")
    @RolesAllowed(Role.ADMIN_NAME)
    @SecurityRequirement(name = "jwt")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Adopt the chain the node serves now, after the recorded chain was replaced",
            description = "Named by its genesis hash. Withdraws every announced anchor (BatchAnchorWithdrawn), anchors"
                    + " every record and sealed access-log head again in new batches, archives the old chain's"
                    + " transactions and sends every chain command again, in order.")
    @APIResponse(responseCode = "200", description = "What was moved onto the adopted chain")
    @APIResponse(responseCode = "400", description = "genesisHash missing or not a 32-byte hash")
    @APIResponse(responseCode = "401", description = "No valid token")
    @APIResponse(responseCode = "403", description = "Not an admin")
    @APIResponse(responseCode = "409", description = "The node's genesis is another, or this chain is already the"
            + " installation's")
    @APIResponse(responseCode = "503", description = "The Ethereum node does not answer")
    public ChainIdentity.Adoption adopt(@Valid @NotNull(message = "a body is required")
            AnchorViews.AdoptRequest request) {
        return identity.adopt(request.genesisHash());
    }

    static UUID uuid(String value, String name) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw DomainException.badRequest(name + " must be a UUID.");
        }
    }
}
