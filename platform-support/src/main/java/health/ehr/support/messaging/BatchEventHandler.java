package health.ehr.support.messaging;

import health.ehr.events.CloudEvent;
import health.ehr.events.EventData;
import java.util.List;

/**
 * An {@link EventHandler} that applies many events at once. The {@link EventConsumer} hands it the
 * new events of one Kafka poll (those not yet in {@code processed_event}, in poll order) inside the
 * one transaction that also marks them processed; if that transaction fails, the consumer applies
 * the same events one at a time through {@link #handle}, so a single bad event is retried and
 * parked in the DLQ on its own and blocks nothing.
 */
public interface BatchEventHandler extends EventHandler {

    /** Applies events of this handler's types, in order. Throwing rolls all of them back. */
    void handleAll(List<CloudEvent<EventData>> events);

    /**
     * Whether applying an event again changes nothing, because the handler's own writes are keyed so
     * that a repeat is ignored (an {@code INSERT IGNORE} on the event's subject). Then the consumer
     * skips {@code processed_event} for batches of its events (half the writes), and the handler may
     * see a redelivered event again. Default: no.
     */
    default boolean idempotent() {
        return false;
    }

    /** Applies one event: the per-event fallback after a failed batch. */
    @Override
    default void handle(CloudEvent<EventData> event) {
        handleAll(List.of(event));
    }
}
