package health.ehr.identity.rest;

import health.ehr.identity.config.IdentityConfig;
import health.ehr.identity.rest.ProfileViews.PartyView;
import health.ehr.identity.rest.SigningRequests.ConsentSigningRequest;
import health.ehr.identity.rest.SigningViews.ConsentSignature;
import health.ehr.identity.service.ConsentSigner;
import health.ehr.identity.service.ProfileService;
import health.ehr.support.rest.DomainException;
import health.ehr.support.security.Caller;
import health.ehr.support.security.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/** Endpoints for the platform's own services only (realm role {@code service}). */
@Path("/api/identity/internal")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "jwt")
@RolesAllowed(Role.SERVICE_NAME)
public class InternalResource {

    private final ProfileService profiles;
    private final ConsentSigner signer;
    private final Caller caller;
    private final IdentityConfig config;

    public InternalResource(ProfileService profiles, ConsentSigner signer, Caller caller, IdentityConfig config) {
        this.profiles = profiles;
        this.signer = signer;
        this.caller = caller;
        this.config = config;
    }

    @GET
    @Path("/parties/{partyId}")
    @Operation(summary = "A party's role, contact and chain id, for other services")
    public PartyView party(@PathParam("partyId") UUID partyId) {
        return PartyView.of(profiles.party(partyId));
    }

    @POST
    @Path("/consent-signatures")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Sign a patient's consent grant or revocation with their custodial key (consent-service only)")
    public ConsentSignature sign(@Valid @NotNull(message = "a body is required") ConsentSigningRequest body) {
        // Only consent-service's own client may have a patient's key used; any other service is refused.
        String client = caller.claim("azp").or(() -> caller.claim("client_id")).orElse("");
        if (!config.signingClient().equals(client)) {
            throw DomainException.forbidden("Only " + config.signingClient() + " may request consent signatures.");
        }
        return ConsentSignature.of(signer.sign(body.toConsent()));
    }
}
