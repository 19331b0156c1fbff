package health.ehr.records.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.oidc.client.filter.OidcClientFilter;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** chain-anchor-service: a record's Merkle proof, and the independent check of a proof against the chain. */
@RegisterRestClient(configKey = "anchor")
@OidcClientFilter
@Path("/api/anchors")
public interface AnchorClient {

    /** The API's Proof of a record (status PENDING until anchored). */
    @GET
    @Path("/proofs/{recordId}")
    JsonNode proof(@PathParam("recordId") UUID recordId);

    /** {@code {leaf, proof, merkleRoot}} → {@code {valid, anchored, ...}}. */
    @POST
    @Path("/verify")
    @Consumes(MediaType.APPLICATION_JSON)
    JsonNode verify(JsonNode proof);
}
