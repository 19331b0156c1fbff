package health.ehr.consent.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.ehr.consent.Consent;
import health.ehr.consent.ConsentStatus;
import health.ehr.consent.repository.MirrorRepository;
import health.ehr.consent.repository.MirrorRepository.AppliedLog;
import health.ehr.events.consent.ConsentExpired;
import health.ehr.events.consent.ConsentGranted;
import health.ehr.events.consent.ConsentRevoked;
import health.ehr.events.consent.ConsentScope;
import health.ehr.support.messaging.OutboxWriter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Derives a consent's status from what the chain says (the logs the mirror applied to it) and from
 * what is still in flight, so that the same rule serves the mirror going forward, the rollback after
 * a reorg, the expiry job and chain failures:
 *
 * <ol>
 *   <li>a revocation log applied → {@code REVOKED};</li>
 *   <li>else a revocation asked for and not failed → {@code REVOKING} (no longer permits reads);</li>
 *   <li>else a grant log applied → {@code ACTIVE}, or {@code EXPIRED} once past its expiry;</li>
 *   <li>else the grant command failed → {@code FAILED};</li>
 *   <li>else {@code PENDING}.</li>
 * </ol>
 *
 * Moving forward into ACTIVE (from PENDING or FAILED), REVOKED or EXPIRED announces ConsentGranted, ConsentRevoked or
 * ConsentExpired through the outbox, in the caller's transaction.
 */
@ApplicationScoped
public class ConsentState {

    private static final Logger LOG = Logger.getLogger(ConsentState.class);

    private final MirrorRepository mirror;
    private final OutboxWriter outbox;
    private final ObjectMapper json;
    private final ConsentCheck check;

    public ConsentState(MirrorRepository mirror, OutboxWriter outbox, ObjectMapper json, ConsentCheck check) {
        this.mirror = mirror;
        this.outbox = outbox;
        this.json = json;
        this.check = check;
    }

    /** Recomputes the status and chain fields; announces a change. Returns the previous status. */
    public ConsentStatus update(Consent consent, Instant now) {
        ConsentStatus before = consent.status;
        recompute(consent, now);
        if (consent.status != before) {
            consent.updatedAt = now;
            check.forget(consent.patientId, consent.granteeId);
            announce(before, consent, now);
            LOG.infof("consent %s %s -> %s", consent.consentId, before, consent.status);
        }
        return before;
    }

    /**
     * Recomputes after a rollback: no event is published for a consent that moves back (there is no
     * event for "un-granted"; the change is logged as a warning, and records-service's short cache
     * and the check's expiry handling bound its effect).
     */
    public void rolledBack(Consent consent, Instant now) {
        ConsentStatus before = consent.status;
        recompute(consent, now);
        if (consent.status != before) {
            consent.updatedAt = now;
            check.forget(consent.patientId, consent.granteeId);
            LOG.warnf("consent %s moved back %s -> %s: the chain reorganised below the confirmation depth",
                    consent.consentId, before, consent.status);
        }
    }

    /** Sets the consent's status and chain fields from its applied logs and its pending request. */
    public void recompute(Consent consent, Instant now) {
        Optional<AppliedLog> grant = mirror.latestLog(consent.consentId, MirrorRepository.GRANTED);
        Optional<AppliedLog> revoke = mirror.latestLog(consent.consentId, MirrorRepository.REVOKED);
        consent.transactionHash = grant.map(AppliedLog::transactionHash).orElse(null);
        consent.blockNumber = grant.map(AppliedLog::blockNumber).orElse(null);
        consent.revocationTransactionHash = revoke.map(AppliedLog::transactionHash).orElse(null);
        consent.revocationBlockNumber = revoke.map(AppliedLog::blockNumber).orElse(null);
        if (revoke.isPresent()) {
            consent.status = ConsentStatus.REVOKED;
        } else if (consent.revokeNonce != null) {
            consent.status = ConsentStatus.REVOKING;
        } else if (grant.isPresent()) {
            consent.status = consent.expiresAt.isAfter(now) ? ConsentStatus.ACTIVE : ConsentStatus.EXPIRED;
        } else if (consent.failureKind == Consent.FailureKind.GRANT) {
            consent.status = ConsentStatus.FAILED;
        } else {
            consent.status = ConsentStatus.PENDING;
        }
    }

    private void announce(ConsentStatus before, Consent consent, Instant now) {
        switch (consent.status) {
            // Back to ACTIVE after a failed revocation is no new grant: nothing to announce.
            case ACTIVE -> {
                if (before == ConsentStatus.PENDING || before == ConsentStatus.FAILED) {
                    outbox.append(new ConsentGranted(consent.consentId, consent.patientId, consent.granteeId,
                            scope(consent), consent.expiresAt, consent.transactionHash,
                            consent.blockNumber == null ? 0 : consent.blockNumber, consent.granteeOrganizationId));
                }
            }
            case REVOKED -> outbox.append(new ConsentRevoked(consent.consentId, consent.patientId,
                    consent.granteeId, consent.revocationTransactionHash,
                    consent.revocationBlockNumber == null ? 0 : consent.revocationBlockNumber,
                    consent.granteeOrganizationId));
            case EXPIRED -> outbox.append(new ConsentExpired(consent.consentId, consent.patientId,
                    consent.granteeId, consent.expiresAt.isAfter(now) ? now : consent.expiresAt));
            default -> {
                // PENDING, REVOKING and FAILED have no event of their own.
            }
        }
    }

    /** The consent's scope, parsed from its stored JSON. */
    public ConsentScope scope(Consent consent) {
        try {
            return json.readValue(consent.scope, ConsentScope.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("consent " + consent.consentId + " has an unreadable scope", e);
        }
    }
}
