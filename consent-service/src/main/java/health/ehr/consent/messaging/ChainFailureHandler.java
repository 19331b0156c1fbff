package health.ehr.consent.messaging;

import health.ehr.consent.service.ChainFailures;
import health.ehr.events.CloudEvent;
import health.ehr.events.EventData;
import health.ehr.events.EventType;
import health.ehr.events.anchor.ChainTransactionFailed;
import health.ehr.support.messaging.EventHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * Takes chain-anchor-service's ChainTransactionFailed from {@code ehr.anchor.v1} (platform-support's
 * EventConsumer).
 */
@ApplicationScoped
public class ChainFailureHandler implements EventHandler {

    private final ChainFailures failures;

    public ChainFailureHandler(ChainFailures failures) {
        this.failures = failures;
    }

    @Override
    public Set<EventType> handles() {
        return Set.of(EventType.CHAIN_TRANSACTION_FAILED);
    }

    @Override
    public void handle(CloudEvent<EventData> event) {
        failures.failed((ChainTransactionFailed) event.data());
    }
}
