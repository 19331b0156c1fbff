package health.ehr.identity.client;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** consent-service's consent check, asked with the caller's own token. */
@RegisterRestClient(configKey = "consent")
@Path("/api/consents/check")
public interface ConsentClient {

    /** Whether {@code granteeId} holds an active consent of {@code patientId}. */
    @GET
    ConsentCheck check(@HeaderParam("Authorization") String authorization,
            @QueryParam("patientId") UUID patientId, @QueryParam("granteeId") UUID granteeId);

    /** The answer of the consent check. */
    record ConsentCheck(boolean permitted) {
    }
}
