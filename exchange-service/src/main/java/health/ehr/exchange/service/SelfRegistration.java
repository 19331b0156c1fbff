package health.ehr.exchange.service;

import health.ehr.contracts.ChainUnavailableException;
import health.ehr.exchange.client.OrganizationDirectory;
import health.ehr.exchange.client.RegisteredOrganization;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Keeps this organisation's entry on chain pointing at its own keys: when the entry's signer or
 * encryption key differ from this installation's (the deploy step admits it with placeholders; a key
 * was rotated), the controller account sends {@code rotateSigner} / {@code rotateEncryptionKey}.
 * Runs at start and then every minute until the entry matches; without a controller key it only says
 * what an operator must do. Replicas may race: the loser's transaction reverts and the next round finds
 * the entry current.
 */
@ApplicationScoped
public class SelfRegistration {

    private static final Logger LOG = Logger.getLogger(SelfRegistration.class);

    private final OrganizationDirectory chain;
    private final OrganizationKeys keys;
    private final OrganizationProfile profile;
    private volatile boolean current;

    public SelfRegistration(OrganizationDirectory chain, OrganizationKeys keys, OrganizationProfile profile) {
        this.chain = chain;
        this.keys = keys;
        this.profile = profile;
    }

    /** Whether the entry on chain was last seen naming this installation's keys. */
    public boolean current() {
        return current;
    }

    @Scheduled(every = "60s", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void everyMinute() {
        if (!current) {
            try {
                reconcile();
            } catch (ChainUnavailableException | IllegalStateException e) {
                LOG.warnf("organisation entry not reconciled yet: %s", e.getMessage());
            }
        }
    }

    /** Compares the entry with this installation's keys and rotates what differs; true when it matches. */
    public synchronized boolean reconcile() {
        if (!chain.configured()) {
            return false;
        }
        String id = profile.organizationId();
        Optional<RegisteredOrganization> entry = chain.organization(id);
        if (entry.isEmpty()) {
            LOG.warnf("organisation %s is not admitted to the network (yet): nothing to reconcile", id);
            return false;
        }
        boolean signerCurrent = entry.get().signer().equals(keys.signingAddress());
        boolean keyCurrent = entry.get().encryptionKey().equals(keys.encryptionPublicKey());
        if (signerCurrent && keyCurrent) {
            current = true;
            return true;
        }
        Optional<String> controller = chain.controllerAddress();
        if (controller.isEmpty() || !controller.get().equals(entry.get().controller())) {
            LOG.warnf("organisation %s: its entry names signer %s, this installation signs with %s%s; its controller"
                    + " %s must rotate them (docs/exchange.md)", id, entry.get().signer(), keys.signingAddress(),
                    keyCurrent ? "" : " and the encryption key differs", entry.get().controller());
            return false;
        }
        if (!signerCurrent) {
            String tx = chain.rotateSigner(id, keys.signingAddress());
            LOG.infof("organisation %s: signer rotated to %s (%s)", id, keys.signingAddress(), tx);
        }
        if (!keyCurrent) {
            String tx = chain.rotateEncryptionKey(id, keys.encryptionPublicKey());
            LOG.infof("organisation %s: encryption key published (%s)", id, tx);
        }
        current = true;
        return true;
    }
}
