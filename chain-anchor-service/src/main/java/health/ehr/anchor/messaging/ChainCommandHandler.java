package health.ehr.anchor.messaging;

import health.ehr.anchor.service.ChainCommandRelay;
import health.ehr.events.CloudEvent;
import health.ehr.events.EventData;
import health.ehr.events.EventType;
import health.ehr.support.messaging.EventHandler;
import health.ehr.anchor.config.AnchorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Set;

/**
 * Takes chain commands from {@code ehr.chain.commands.v1} and stores them for the
 * {@link ChainCommandRelay}. A command that cannot be decoded is parked in the DLQ by the event
 * consumer; one that decodes but carries unusable values (a 64-byte signature, a non-hex id) throws
 * {@code MalformedCommandException}, which the consumer retries ({@code ehr.messaging.max-handling-attempts})
 * and then parks in {@code ehr.chain.commands.v1.dlq} with the reason. It never reaches the chain.
 */
@ApplicationScoped
public class ChainCommandHandler implements EventHandler {

    private final ChainCommandRelay relay;
    private final AnchorConfig config;

    public ChainCommandHandler(ChainCommandRelay relay, AnchorConfig config) {
        this.relay = relay;
        this.config = config;
    }

    @Override
    public Set<EventType> handles() {
        return Set.of(EventType.REGISTER_PATIENT, EventType.GRANT_CONSENT, EventType.REVOKE_CONSENT);
    }

    @Override
    public void handle(CloudEvent<EventData> event) {
        if (config.eventSources().isPresent() && !config.eventSources().get().contains(event.source())) {
            return;
        }
        relay.accept(event.data(), Instant.now());
    }
}
