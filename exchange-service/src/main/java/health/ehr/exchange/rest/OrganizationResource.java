package health.ehr.exchange.rest;

import health.ehr.exchange.service.OrganizationProfile;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** This organisation's public card for other installations: the one unsigned exchange call. */
@Path("/exchange/v1/organization")
@Produces(MediaType.APPLICATION_JSON)
public class OrganizationResource {

    private final OrganizationProfile profile;

    public OrganizationResource(OrganizationProfile profile) {
        this.profile = profile;
    }

    @GET
    @Operation(summary = "This organisation: id, name, endpoint, signing address, encryption key, chain and registries"
            + " (public, unsigned)")
    public OrganizationProfile.Card card() {
        return profile.card();
    }
}
