package health.ehr.anchor.service;

import health.ehr.anchor.ChainTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.jboss.logging.Logger;

/** Outcomes of the writer's nonce-filling transfers ({@link ChainWriter#fillNonce}): logged, nobody to tell. */
@ApplicationScoped
public class NonceFills implements TransactionOutcomes {

    private static final Logger LOG = Logger.getLogger(NonceFills.class);

    @Override
    public boolean handles(ChainTransaction.Purpose purpose) {
        return purpose == ChainTransaction.Purpose.NONCE_FILL;
    }

    @Override
    public void confirmed(ChainTransaction tx, Instant blockTime) {
        LOG.infof("nonce %d filled by tx %s in block %d", tx.nonce, tx.minedHash, tx.blockNumber);
    }

    @Override
    public void failed(ChainTransaction tx, String reason) {
        LOG.warnf("nonce fill tx %s (nonce %d): %s", tx.txHash, tx.nonce, reason);
    }
}
