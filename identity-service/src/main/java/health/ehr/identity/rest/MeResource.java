package health.ehr.identity.rest;

import health.ehr.identity.rest.ProfileViews.MeView;
import health.ehr.identity.service.ProfileService;
import health.ehr.support.security.Caller;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/** {@code GET /api/identity/me}: who the caller is, as every other service sees them. */
@Path("/api/identity/me")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "jwt")
public class MeResource {

    private final Caller caller;
    private final ProfileService profiles;

    public MeResource(Caller caller, ProfileService profiles) {
        this.caller = caller;
        this.profiles = profiles;
    }

    @GET
    @Authenticated
    @Operation(summary = "The signed-in user's identity and party ids")
    public MeView me() {
        return MeView.of(profiles.me(caller));
    }
}
