package health.ehr.records.client;

import io.quarkus.cache.CacheInvalidateAll;
import io.quarkus.cache.CacheResult;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Whether a grantee may read or write a patient's record, as consent-service decides. Answers are
 * cached briefly (records.consent-cache, a few seconds) and the whole cache is dropped on every
 * consent event, so that a revocation bites within seconds. Fails closed: no answer, no access.
 */
@ApplicationScoped
public class ConsentGate {

    private static final Logger LOG = Logger.getLogger(ConsentGate.class);

    private final ConsentCheckClient consents;

    public ConsentGate(@RestClient ConsentCheckClient consents) {
        this.consents = consents;
    }

    @CacheResult(cacheName = "consent-check")
    public boolean permitted(UUID patientId, UUID granteeId, String category, UUID recordId) {
        try {
            return consents.check(patientId, granteeId, category, recordId).permitted();
        } catch (RuntimeException e) {
            LOG.warnf("consent check failed, access refused: %s", e.getMessage());
            throw new ConsentUnavailableException(e);
        }
    }

    /** Forgets every cached answer (on any consent granted, revoked or expired). */
    @CacheInvalidateAll(cacheName = "consent-check")
    public void forgetAll() {
        LOG.debug("consent cache dropped");
    }

    /** consent-service did not answer; the read is refused rather than allowed. */
    public static class ConsentUnavailableException extends RuntimeException {
        public ConsentUnavailableException(Throwable cause) {
            super("consent-service did not answer", cause);
        }
    }
}
