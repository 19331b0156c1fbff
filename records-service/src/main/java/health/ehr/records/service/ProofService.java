package health.ehr.records.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import health.ehr.records.client.AnchorClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * A record's Merkle proof, as chain-anchor-service keeps it, and the independent check of that proof
 * against AnchorRegistry. While chain-anchor-service has no proof (or does not answer) the proof is
 * {@code PENDING}.
 */
@ApplicationScoped
public class ProofService {

    private static final Logger LOG = Logger.getLogger(ProofService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AnchorClient anchors;

    public ProofService(@RestClient AnchorClient anchors) {
        this.anchors = anchors;
    }

    /** The API's {@code Proof} of the record. */
    public JsonNode proof(UUID recordId) {
        try {
            return anchors.proof(recordId);
        } catch (RuntimeException e) {
            LOG.debugf("no proof from chain-anchor-service for %s yet: %s", recordId, e.getMessage());
            ObjectNode pending = JSON.createObjectNode();
            pending.put("recordId", recordId.toString());
            pending.put("status", "PENDING");
            return pending;
        }
    }

    /** Whether an ANCHORED proof folds to a root that AnchorRegistry holds; null when that cannot be asked now. */
    public Boolean onChainRootMatches(UUID recordId, JsonNode proof) {
        try {
            ObjectNode question = JSON.createObjectNode();
            question.set("leaf", proof.get("leaf"));
            question.set("proof", proof.get("proof"));
            question.set("merkleRoot", proof.get("merkleRoot"));
            JsonNode answer = anchors.verify(question);
            return answer.path("valid").asBoolean(false) && answer.path("anchored").asBoolean(false);
        } catch (RuntimeException e) {
            LOG.warnf("anchor verification of record %s unavailable: %s", recordId, e.getMessage());
            return null;
        }
    }
}
