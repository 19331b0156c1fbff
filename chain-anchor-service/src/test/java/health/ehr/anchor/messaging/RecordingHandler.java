package health.ehr.anchor.messaging;

import health.ehr.events.CloudEvent;
import health.ehr.events.EventData;
import health.ehr.events.EventType;
import health.ehr.support.messaging.EventHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** A test handler that remembers every RecordErased event it applied. */
@ApplicationScoped
public class RecordingHandler implements EventHandler {

    private final List<String> applied = new CopyOnWriteArrayList<>();

    /**
     * The ids applied so far. A method, not a field: the test holds a CDI client proxy, and a field read
     * on the proxy would see the proxy's own (empty) list instead of the bean's.
     */
    public List<String> applied() {
        return applied;
    }

    @Override
    public Set<EventType> handles() {
        return Set.of(EventType.RECORD_ERASED);
    }

    @Override
    public void handle(CloudEvent<EventData> event) {
        applied.add(event.id());
    }
}
