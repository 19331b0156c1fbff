package health.ehr.anchor.messaging;

import health.ehr.anchor.AnchorLeaf;
import health.ehr.anchor.service.AnchoringService;
import health.ehr.anchor.service.AnchoringService.NewLeaf;
import health.ehr.anchor.service.CommandValidation.MalformedCommandException;
import health.ehr.anchor.service.MerkleTree;
import health.ehr.events.CloudEvent;
import health.ehr.events.EventData;
import health.ehr.events.EventType;
import health.ehr.events.records.AuditHeadSealed;
import health.ehr.events.records.RecordStored;
import health.ehr.support.messaging.BatchEventHandler;
import health.ehr.anchor.config.AnchorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Takes the hashes to anchor from {@code ehr.records.v1}: a RecordStored's {@code (recordId, sha256)}
 * and an AuditHeadSealed's {@code (sealId, headHash)} become pending leaves. A redelivered event, or a
 * second event for the same id, adds nothing. A poll's events arrive together and become leaves with
 * multi-row inserts, in the consumer's one transaction. An event without a usable id or hash is
 * refused (the consumer then applies the poll's events one by one, retries that one and parks it in
 * {@code ehr.records.v1.dlq}).
 */
@ApplicationScoped
public class RecordHashHandler implements BatchEventHandler {

    private final AnchoringService anchoring;
    private final AnchorConfig config;

    public RecordHashHandler(AnchoringService anchoring, AnchorConfig config) {
        this.anchoring = anchoring;
        this.config = config;
    }

    @Override
    public Set<EventType> handles() {
        return Set.of(EventType.RECORD_STORED, EventType.AUDIT_HEAD_SEALED);
    }

    /** A leaf is keyed by its id ({@code INSERT IGNORE}): an event applied again adds nothing. */
    @Override
    public boolean idempotent() {
        return true;
    }

    @Override
    public void handleAll(List<CloudEvent<EventData>> events) {
        List<NewLeaf> arrived = new ArrayList<>(events.size());
        for (CloudEvent<EventData> event : events) {
            if (config.eventSources().isPresent() && !config.eventSources().get().contains(event.source())) {
                continue;
            }
            if (event.data() instanceof RecordStored stored) {
                arrived.add(new NewLeaf(id(stored.recordId(), "recordId"), AnchorLeaf.RECORD, stored.patientId(),
                        hash(stored.sha256(), "sha256"), event.time()));
            } else if (event.data() instanceof AuditHeadSealed sealed) {
                arrived.add(new NewLeaf(id(sealed.sealId(), "sealId"), AnchorLeaf.AUDIT_HEAD, sealed.patientId(),
                        hash(sealed.headHash(), "headHash"), event.time()));
            }
        }
        anchoring.addLeaves(arrived);
    }

    private static UUID id(UUID id, String field) {
        if (id == null) {
            throw new MalformedCommandException(field + " is missing");
        }
        return id;
    }

    private static byte[] hash(String hex, String field) {
        try {
            return MerkleTree.fromHex(hex == null ? "" : hex);
        } catch (IllegalArgumentException e) {
            throw new MalformedCommandException(field + " is not a 32-byte hex SHA-256");
        }
    }
}
