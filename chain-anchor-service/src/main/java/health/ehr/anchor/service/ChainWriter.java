package health.ehr.anchor.service;

import health.ehr.anchor.ChainTransaction;
import health.ehr.anchor.client.ChainClient;
import health.ehr.anchor.config.AnchorConfig;
import health.ehr.anchor.repository.ChainTransactionRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The single way a transaction gets to the chain: allocates the writer's next nonce under a row
 * lock, signs, and persists the signed transaction in the caller's database transaction. Nothing
 * is broadcast before that transaction commits; the {@link TransactionTracker} broadcasts it right
 * after the commit (or after a restart), so a nonce is never used without being on record and a
 * crash never produces a second transaction for the same purpose.
 */
@ApplicationScoped
public class ChainWriter {

    private static final Logger LOG = Logger.getLogger(ChainWriter.class);
    /** Gas of a plain transfer to an account without code. */
    private static final long NONCE_FILL_GAS = 21_000;

    private final ChainClient chain;
    private final ChainTransactionRepository transactions;
    private final AnchorConfig config;
    private final TransactionSynchronizationRegistry synchronizations;
    private final TransactionTracker tracker;

    public ChainWriter(ChainClient chain, ChainTransactionRepository transactions, AnchorConfig config,
            TransactionSynchronizationRegistry synchronizations, TransactionTracker tracker) {
        this.chain = chain;
        this.transactions = transactions;
        this.config = config;
        this.synchronizations = synchronizations;
        this.tracker = tracker;
    }

    /**
     * Signs and persists a transaction calling {@code to} with {@code data}. The caller has
     * pre-flighted the call. Runs in the caller's transaction, which holds the nonce lock until it ends:
     * keep what follows short.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public ChainTransaction submit(ChainTransaction.Purpose purpose, UUID subjectId, String to, String data) {
        long gasLimit = (long) Math.ceil(chain.estimateGas(to, data) * config.gasLimitMargin());
        ChainClient.Fees fees = capped(chain.currentFees());
        String from = chain.writerAddress();
        long recorded = transactions.lockNextNonce(from);
        // The node's pending count only exceeds ours if something else used the key: never reuse those.
        long nonce = Math.max(recorded, chain.pendingNonce());
        if (nonce != recorded) {
            LOG.warnf("writer %s: nonce %d on record but the node counts %d; another sender uses this key",
                    from, recorded, nonce);
        }
        ChainClient.Signed signed = chain.sign(nonce, to, data, gasLimit, fees.maxFeePerGas(),
                fees.maxPriorityFeePerGas());

        ChainTransaction tx = new ChainTransaction();
        tx.txId = UUID.randomUUID();
        tx.fromAddress = from;
        tx.nonce = nonce;
        tx.purpose = purpose.name();
        tx.subjectId = subjectId;
        tx.toAddress = to.toLowerCase();
        tx.callData = data;
        tx.gasLimit = gasLimit;
        tx.maxFeePerGas = fees.maxFeePerGas();
        tx.maxPriorityFeePerGas = fees.maxPriorityFeePerGas();
        tx.rawTx = signed.rawTx();
        tx.txHash = signed.txHash();
        tx.status = ChainTransaction.SIGNED;
        tx.createdAt = Instant.now();
        transactions.persist(tx);
        transactions.flush();
        transactions.addHash(tx);
        transactions.setNextNonce(from, nonce + 1);
        LOG.infof("signed %s for %s: nonce %d, tx %s", purpose, subjectId, nonce, tx.txHash);

        kickAfterCommit();
        return tx;
    }

    /**
     * Fills a nonce the chain lacks below the writer's transactions in flight with a zero-value
     * transfer to the writer itself. A transaction on record with that nonce (one that failed, or whose
     * watch had ended) becomes that transfer: its earlier purpose and outcome stay in
     * {@code last_error}; whoever it was for had already been told its outcome.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public ChainTransaction fillNonce(long nonce) {
        String from = chain.writerAddress();
        long next = transactions.lockNextNonce(from); // the same lock order as submit: nonce row first
        ChainClient.Fees fees = capped(chain.currentFees());
        ChainClient.Signed signed = chain.sign(nonce, from, "0x", NONCE_FILL_GAS, fees.maxFeePerGas(),
                fees.maxPriorityFeePerGas());
        ChainTransaction tx = transactions.withNonce(from, nonce).orElse(null);
        boolean fresh = tx == null;
        if (fresh) {
            tx = new ChainTransaction();
            tx.txId = UUID.randomUUID();
            tx.fromAddress = from;
            tx.nonce = nonce;
            tx.subjectId = tx.txId;
            tx.createdAt = Instant.now();
        } else if (tx.inFlight()) {
            return tx; // the tracker carries it already
        } else {
            String was = "nonce refilled after the chain lost it; was " + tx.purpose + " " + tx.status
                    + (tx.lastError == null ? "" : ": " + tx.lastError);
            tx.lastError = was.length() > 500 ? was.substring(0, 500) : was;
            tx.minedHash = null;
            tx.blockNumber = null;
            tx.blockHash = null;
            tx.gasUsed = null;
            tx.minedAt = null;
            tx.confirmedAt = null;
            tx.finalizedAt = null;
        }
        tx.purpose = ChainTransaction.Purpose.NONCE_FILL.name();
        tx.toAddress = from;
        tx.callData = "0x";
        tx.gasLimit = NONCE_FILL_GAS;
        tx.maxFeePerGas = fees.maxFeePerGas();
        tx.maxPriorityFeePerGas = fees.maxPriorityFeePerGas();
        tx.rawTx = signed.rawTx();
        tx.txHash = signed.txHash();
        tx.status = ChainTransaction.SIGNED;
        if (fresh) {
            transactions.persist(tx);
        }
        transactions.flush();
        transactions.addHash(tx);
        if (next <= nonce) {
            transactions.setNextNonce(from, nonce + 1);
        }
        LOG.warnf("signed a zero-value transfer to fill nonce %d of %s: tx %s", nonce, from, tx.txHash);
        kickAfterCommit();
        return tx;
    }

    private void kickAfterCommit() {
        synchronizations.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    tracker.kick();
                }
            }
        });
    }

    private ChainClient.Fees capped(ChainClient.Fees fees) {
        if (config.maxFeePerGasWei().isEmpty() || fees.maxFeePerGas() <= config.maxFeePerGasWei().get()) {
            return fees;
        }
        long cap = config.maxFeePerGasWei().get();
        return new ChainClient.Fees(cap, Math.min(fees.maxPriorityFeePerGas(), cap));
    }
}
