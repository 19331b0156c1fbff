package health.ehr.support.messaging;

import health.ehr.events.CloudEvent;
import health.ehr.events.EventData;
import health.ehr.events.EventType;
import java.util.Set;

/**
 * Applies platform events of some types to a service's state. The {@link EventConsumer} calls it
 * inside a transaction, at most once per event id, and parks events it keeps failing on in the
 * topic's DLQ. A {@link BatchEventHandler} gets many events per transaction.
 */
public interface EventHandler {

    /** The event types this handler applies; the consumer subscribes to their topics. */
    Set<EventType> handles();

    /** Applies one event. Throwing rolls the transaction back and the event is retried. */
    void handle(CloudEvent<EventData> event);
}
