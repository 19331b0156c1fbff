package health.ehr.exchange.rest;

import health.ehr.exchange.client.RegisteredOrganization;
import health.ehr.exchange.service.NetworkDirectory;
import health.ehr.exchange.service.OrganizationProfile;
import health.ehr.support.rest.Page;
import health.ehr.support.rest.PageRequest;
import health.ehr.support.security.Caller;
import io.quarkus.security.Authenticated;
import jakarta.validation.Valid;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The network's members for this installation's people (Keycloak token). */
@Path("/api/exchange/organizations")
@Produces(MediaType.APPLICATION_JSON)
public class OrganizationsResource {

    /** One member as people see it; {@code self} marks this installation. */
    public record OrganizationView(String organizationId, String name, String endpoint, String status,
            boolean self) {
    }

    private final NetworkDirectory directory;
    private final OrganizationProfile profile;
    private final Caller caller;

    public OrganizationsResource(NetworkDirectory directory, OrganizationProfile profile, Caller caller) {
        this.directory = directory;
        this.profile = profile;
        this.caller = caller;
    }

    @GET
    @Authenticated
    @Operation(summary = "The network's member organisations, from OrganizationRegistry (self marks this one)")
    public Page<OrganizationView> list(@Valid @BeanParam PageRequest page) {
        caller.partyId();
        List<RegisteredOrganization> all = directory.members();
        List<OrganizationView> items = all.stream().skip(page.offset()).limit(page.size)
                .map(o -> new OrganizationView(o.organizationId(), o.name(), o.endpoint(), o.status().name(),
                        o.organizationId().equals(profile.organizationId())))
                .toList();
        return new Page<>(items, page.page, page.size, all.size());
    }
}
