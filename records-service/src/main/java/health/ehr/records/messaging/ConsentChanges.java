package health.ehr.records.messaging;

import health.ehr.events.CloudEvent;
import health.ehr.events.EventData;
import health.ehr.events.EventType;
import health.ehr.records.client.ConsentGate;
import health.ehr.support.messaging.EventHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/** Drops cached consent answers whenever a consent is granted, revoked or expires. */
@ApplicationScoped
public class ConsentChanges implements EventHandler {

    private final ConsentGate gate;

    public ConsentChanges(ConsentGate gate) {
        this.gate = gate;
    }

    @Override
    public Set<EventType> handles() {
        return Set.of(EventType.CONSENT_GRANTED, EventType.CONSENT_REVOKED, EventType.CONSENT_EXPIRED);
    }

    @Override
    public void handle(CloudEvent<EventData> event) {
        gate.forgetAll();
    }
}
