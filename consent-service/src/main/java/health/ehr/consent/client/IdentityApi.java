package health.ehr.consent.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** identity-service's internal endpoints (identity-service/README.md), called with consent-service's token. */
@RegisterRestClient(configKey = "identity")
@Path("/api/identity/internal")
@Produces(MediaType.APPLICATION_JSON)
public interface IdentityApi {

    /** A party's role, chain id and (patients) controller address. */
    @GET
    @Path("/parties/{partyId}")
    Party party(@HeaderParam("Authorization") String authorization, @PathParam("partyId") UUID partyId);

    /** A Grant or Revoke signed with the patient's custodial key. */
    @POST
    @Path("/consent-signatures")
    @Consumes(MediaType.APPLICATION_JSON)
    Signature sign(@HeaderParam("Authorization") String authorization, SigningRequest request);

    /** {@code GET /parties/{partyId}}. */
    record Party(UUID partyId, String role, String email, String givenName, String familyName, String chainId,
            String controllerAddress) {
    }

    /**
     * Body of {@code POST /consent-signatures}: kind GRANT or REVOKE; expiresAt (unix seconds) for grants only;
     * granteeOrganizationId only for a grantee of another installation (GrantRemote / RevokeRemote), left out
     * of the JSON otherwise so the local request is exactly what it always was.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SigningRequest(String kind, UUID patientId, UUID granteeId, String scopeHash, Long expiresAt,
            String nonce, String granteeOrganizationId) {

        /** A local Grant or Revoke. */
        public SigningRequest(String kind, UUID patientId, UUID granteeId, String scopeHash, Long expiresAt,
                String nonce) {
            this(kind, patientId, granteeId, scopeHash, expiresAt, nonce, null);
        }
    }

    /** Answer of {@code POST /consent-signatures}. */
    record Signature(String patientChainId, String granteeChainId, String controllerAddress, String digest,
            String signature) {
    }
}
