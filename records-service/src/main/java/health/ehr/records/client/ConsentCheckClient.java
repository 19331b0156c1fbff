package health.ehr.records.client;

import io.quarkus.oidc.client.filter.OidcClientFilter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** consent-service's consent check, asked with records-service's own service token. */
@RegisterRestClient(configKey = "consent")
@OidcClientFilter
@Path("/api/consents/check")
public interface ConsentCheckClient {

    @GET
    Decision check(@QueryParam("patientId") UUID patientId, @QueryParam("granteeId") UUID granteeId,
            @QueryParam("category") String category, @QueryParam("recordId") UUID recordId);

    /** The check's answer. */
    record Decision(boolean permitted, UUID consentId, Instant expiresAt) {
    }
}
