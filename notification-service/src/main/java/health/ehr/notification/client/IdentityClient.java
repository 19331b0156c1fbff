package health.ehr.notification.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.oidc.client.filter.OidcClientFilter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * identity-service's internal party directory, called with notification-service's own
 * client-credentials token (realm role {@code service}) for a party no identity event has told
 * us about yet.
 */
@RegisterRestClient(configKey = "identity")
@OidcClientFilter
@Path("/api/identity/internal/parties")
public interface IdentityClient {

    /** A party as identity-service knows it (only the fields this service uses). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Party(UUID partyId, String role, String email) {
    }

    @GET
    @Path("/{partyId}")
    @Produces(MediaType.APPLICATION_JSON)
    Party party(@PathParam("partyId") UUID partyId);
}
