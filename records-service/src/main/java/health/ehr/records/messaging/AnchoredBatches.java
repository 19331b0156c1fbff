package health.ehr.records.messaging;

import health.ehr.events.CloudEvent;
import health.ehr.events.EventData;
import health.ehr.events.EventType;
import health.ehr.events.anchor.BatchAnchored;
import health.ehr.records.repository.MedicalRecordRepository;
import health.ehr.support.messaging.EventHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/** Marks records ANCHORED when chain-anchor-service reports their batch final. */
@ApplicationScoped
public class AnchoredBatches implements EventHandler {

    private final MedicalRecordRepository records;

    public AnchoredBatches(MedicalRecordRepository records) {
        this.records = records;
    }

    @Override
    public Set<EventType> handles() {
        return Set.of(EventType.BATCH_ANCHORED);
    }

    @Override
    public void handle(CloudEvent<EventData> event) {
        BatchAnchored batch = (BatchAnchored) event.data();
        if (batch.recordIds() != null && !batch.recordIds().isEmpty()) {
            records.update("anchorStatus = 'ANCHORED' WHERE recordId IN ?1 AND anchorStatus = 'PENDING'",
                    batch.recordIds());
        }
    }
}
