package health.ehr.consent.service;

import health.ehr.consent.Consent;
import health.ehr.consent.ConsentStatus;
import health.ehr.consent.repository.ConsentRepository;
import health.ehr.events.anchor.ChainTransactionFailed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Applies chain-anchor-service's ChainTransactionFailed to the consent whose command failed: a grant
 * turns FAILED with the reason; a revocation goes back to what the chain still says (ACTIVE, or
 * EXPIRED) with the reason in {@code failureReason}, so the patient can try again. The command id
 * must be the consent's current one (a late failure of an older command changes nothing), and a
 * command whose log the mirror already applied stays applied: the chain is the truth.
 */
@ApplicationScoped
public class ChainFailures {

    private static final Logger LOG = Logger.getLogger(ChainFailures.class);
    private static final int MAX_REASON = 1000;

    private final ConsentRepository consents;
    private final ConsentState state;
    private final NonceAllocator nonces;

    public ChainFailures(ConsentRepository consents, ConsentState state, NonceAllocator nonces) {
        this.consents = consents;
        this.state = state;
        this.nonces = nonces;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void failed(ChainTransactionFailed failure) {
        if (failure.subjectId() == null || failure.commandId() == null) {
            return;
        }
        Optional<Consent> found = consents.lock(failure.subjectId());
        if (found.isEmpty()) {
            return; // not one of our consents (an anchor batch, a patient registration)
        }
        Consent consent = found.get();
        Instant now = Instant.now();
        String reason = reason(failure.reason());
        if (failure.commandId().equals(consent.grantCommandId)) {
            if (consent.status != ConsentStatus.PENDING) {
                LOG.infof("consent %s: grant failure ignored, the consent is %s", consent.consentId, consent.status);
                return;
            }
            consent.failureKind = Consent.FailureKind.GRANT;
            consent.failureReason = reason;
            nonces.release(consent.patientId, consent.grantNonce);
        } else if (failure.commandId().equals(consent.revokeCommandId)) {
            if (consent.status != ConsentStatus.REVOKING) {
                LOG.infof("consent %s: revocation failure ignored, the consent is %s", consent.consentId,
                        consent.status);
                return;
            }
            nonces.release(consent.patientId, consent.revokeNonce);
            consent.revokeNonce = null;
            consent.revokeCommandId = null;
            consent.revokeRequestedAt = null;
            consent.failureKind = Consent.FailureKind.REVOKE;
            consent.failureReason = "revocation failed: " + reason;
        } else {
            LOG.infof("consent %s: failure of an earlier command %s ignored", consent.consentId, failure.commandId());
            return;
        }
        consent.updatedAt = now;
        state.update(consent, now);
        LOG.infof("consent %s: %s failed on chain (%s)", consent.consentId, failure.commandType(), reason);
    }

    private static String reason(String reason) {
        String text = reason == null || reason.isBlank() ? "unknown" : reason.strip();
        return text.length() > MAX_REASON ? text.substring(0, MAX_REASON) : text;
    }
}
