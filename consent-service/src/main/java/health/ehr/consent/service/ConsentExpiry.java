package health.ehr.consent.service;

import health.ehr.consent.repository.ConsentRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Marks ACTIVE consents past their expiry as EXPIRED and announces ConsentExpired. The consent check
 * does not wait for it (it compares the expiry with the time of the question); this job keeps the
 * stored status and the platform's events in step.
 */
@ApplicationScoped
public class ConsentExpiry {

    private static final Logger LOG = Logger.getLogger(ConsentExpiry.class);
    private static final int BATCH = 200;

    private final ConsentRepository consents;
    private final ConsentState state;

    public ConsentExpiry(ConsentRepository consents, ConsentState state) {
        this.consents = consents;
        this.state = state;
    }

    @Scheduled(every = "${consent.expiry-interval}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            expireDue();
        } catch (RuntimeException e) {
            LOG.warnf("consent expiry: %s", e.getMessage());
        }
    }

    /** Expires every due consent; returns how many. */
    public int expireDue() {
        int total = 0;
        int done;
        do {
            done = QuarkusTransaction.requiringNew().call(() -> {
                Instant now = Instant.now();
                List<UUID> due = consents.lockExpired(now, BATCH);
                for (UUID id : due) {
                    consents.lock(id).ifPresent(consent -> state.update(consent, now));
                }
                return due.size();
            });
            total += done;
        } while (done == BATCH);
        if (total > 0) {
            LOG.infof("consent expiry: %d consents expired", total);
        }
        return total;
    }
}
