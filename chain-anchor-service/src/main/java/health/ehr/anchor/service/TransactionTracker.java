package health.ehr.anchor.service;

import health.ehr.anchor.ChainTransaction;
import health.ehr.anchor.client.ChainClient;
import health.ehr.anchor.client.ChainUnavailableException;
import health.ehr.anchor.config.AnchorConfig;
import health.ehr.anchor.repository.ChainTransactionRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Carries every persisted transaction of the writer to finality: broadcasts signed ones (again
 * after a restart: the same bytes, so never a second transaction), fetches receipts, re-signs a
 * transaction that is not mined within {@code anchor.resubmit-after} with the same nonce and higher
 * EIP-1559 fees (persisting the new signature before broadcasting it), notices a mined transaction
 * that a reorg dropped or moved (receipt gone, block hash changed) and broadcasts it again, and
 * declares it final once it has {@code anchor.confirmations} confirmations (its own block counts as
 * the first) and its block is still canonical. Outcomes go to the {@link TransactionOutcomes} of the transaction's purpose.
 *
 * <p>Replicas share the work: each row is handled under {@code FOR UPDATE SKIP LOCKED}.
 */
@ApplicationScoped
public class TransactionTracker {

    private static final Logger LOG = Logger.getLogger(TransactionTracker.class);
    private static final int ROUND_LIMIT = 500;
    private static final Duration BALANCE_EVERY = Duration.ofSeconds(10);

    private final ChainClient chain;
    private final ChainTransactionRepository transactions;
    private final AnchorConfig config;
    private final Instance<TransactionOutcomes> outcomes;
    private final AnchorMetrics metrics;
    private final ReentrantLock roundLock = new ReentrantLock();
    private final AtomicBoolean kicked = new AtomicBoolean();
    private final ExecutorService kicker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "chain-tx-kick");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean nodeDown;
    private volatile boolean paused;
    private volatile Instant balanceAt = Instant.EPOCH;

    public TransactionTracker(ChainClient chain, ChainTransactionRepository transactions, AnchorConfig config,
            Instance<TransactionOutcomes> outcomes, AnchorMetrics metrics) {
        this.chain = chain;
        this.transactions = transactions;
        this.config = config;
        this.outcomes = outcomes;
        this.metrics = metrics;
    }

    private Ticker ticker;

    void startTicker(@Observes StartupEvent startup) {
        ticker = new Ticker(
                "chain-tx-tracker", Duration.ofSeconds(1), config.txPollInterval(), this::scheduled);
    }

    void stopTicker(@Observes ShutdownEvent shutdown) {
        if (ticker != null) {
            ticker.close();
        }
    }

    void scheduled() {
        round();
    }

    /** Runs a round soon, off the caller's thread (after a new transaction was committed). */
    public void kick() {
        if (kicked.compareAndSet(false, true)) {
            kicker.execute(() -> {
                kicked.set(false);
                round();
            });
        }
    }

    void stop(@Observes ShutdownEvent shutdown) {
        kicker.shutdownNow();
    }

    /**
     * Stops broadcasting and tracking until {@link #resume()} (an operator rotating the key, or a test
     * standing in for a crash between persisting and sending). Transactions keep being persisted.
     */
    public void pause() {
        paused = true;
        roundLock.lock();
        roundLock.unlock();
    }

    public void resume() {
        paused = false;
    }

    /** One pass over every transaction in flight; returns how many are still in flight (-1: skipped). */
    public int round() {
        if (paused || !roundLock.tryLock()) {
            return -1;
        }
        try {
            List<UUID> ids = QuarkusTransaction.requiringNew().call(() -> transactions.inFlightIds(ROUND_LIMIT));
            refreshBalance();
            if (ids.isEmpty()) {
                metrics.pendingTransactions(0);
                return 0;
            }
            long head = chain.blockNumber();
            for (UUID id : ids) {
                step(id, head);
            }
            long left = QuarkusTransaction.requiringNew().call(transactions::countInFlight);
            metrics.pendingTransactions(left);
            if (nodeDown) {
                LOG.info("Ethereum node reachable again; pending transactions resumed");
                nodeDown = false;
            }
            return (int) left;
        } catch (ChainUnavailableException e) {
            if (!nodeDown) {
                LOG.warnf("transaction tracking paused: %s", e.getMessage());
                nodeDown = true;
            }
            return -1;
        } finally {
            roundLock.unlock();
        }
    }

    private void refreshBalance() {
        if (Duration.between(balanceAt, Instant.now()).compareTo(BALANCE_EVERY) > 0) {
            balanceAt = Instant.now();
            metrics.writerBalance(chain.writerBalance().doubleValue());
        }
    }

    private void step(UUID id, long head) {
        String toBroadcast = QuarkusTransaction.requiringNew().call(() -> {
            Optional<ChainTransaction> locked = transactions.lock(id);
            if (locked.isEmpty() || !locked.get().inFlight()) {
                return null;
            }
            ChainTransaction tx = locked.get();
            return switch (tx.status) {
                case ChainTransaction.SIGNED -> tx.rawTx;
                case ChainTransaction.SENT -> sent(tx, head);
                default -> mined(tx, head);
            };
        });
        if (toBroadcast == null) {
            return;
        }
        Optional<String> refused = chain.broadcast(toBroadcast);
        QuarkusTransaction.requiringNew().run(() -> afterBroadcast(id, refused));
    }

    /** A sent transaction: mined yet? Otherwise bump its fees once it waited too long. */
    private String sent(ChainTransaction tx, long head) {
        Optional<TransactionReceipt> receipt = anyReceipt(tx);
        if (receipt.isPresent()) {
            markMined(tx, receipt.get());
            confirmIfDeep(tx, receipt.get(), head);
            return null;
        }
        if (tx.sentAt != null && tx.sentAt.plus(config.resubmitAfter()).isAfter(Instant.now())) {
            return null;
        }
        if (chain.latestNonce() > tx.nonce) {
            // The nonce is used on chain. Look again for our receipts (it may have been mined just now);
            // if none of our signatures is there, another transaction took the nonce.
            Optional<TransactionReceipt> late = anyReceipt(tx);
            if (late.isPresent()) {
                markMined(tx, late.get());
                confirmIfDeep(tx, late.get(), head);
            } else {
                fail(tx, "nonce " + tx.nonce + " was used by another transaction of the writer's key");
            }
            return null;
        }
        bump(tx);
        return tx.rawTx;
    }

    /** A mined transaction: still there, in the same block? Deep enough to be final? */
    private String mined(ChainTransaction tx, long head) {
        Optional<TransactionReceipt> receipt = chain.receipt(tx.minedHash);
        if (receipt.isEmpty()) {
            LOG.warnf("reorg dropped tx %s (nonce %d, %s %s) from block %d; broadcasting it again",
                    tx.minedHash, tx.nonce, tx.purpose, tx.subjectId, tx.blockNumber);
            tx.status = ChainTransaction.SENT;
            tx.reorgs++;
            tx.blockNumber = null;
            tx.blockHash = null;
            tx.minedHash = null;
            tx.gasUsed = null;
            tx.minedAt = null;
            tx.sentAt = Instant.now();
            metrics.reorged();
            listener(tx).reorged(tx);
            return tx.rawTx;
        }
        TransactionReceipt r = receipt.get();
        if (!r.getBlockHash().equalsIgnoreCase(tx.blockHash)) {
            LOG.warnf("reorg moved tx %s from block %d to %d", tx.minedHash, tx.blockNumber,
                    r.getBlockNumber().longValueExact());
            tx.reorgs++;
            metrics.reorged();
            markMined(tx, r);
        }
        confirmIfDeep(tx, r, head);
        return null;
    }

    private void markMined(ChainTransaction tx, TransactionReceipt receipt) {
        tx.status = ChainTransaction.MINED;
        tx.minedHash = receipt.getTransactionHash().toLowerCase(Locale.ROOT);
        tx.blockNumber = receipt.getBlockNumber().longValueExact();
        tx.blockHash = receipt.getBlockHash().toLowerCase(Locale.ROOT);
        tx.gasUsed = receipt.getGasUsed().longValueExact();
        tx.minedAt = Instant.now();
        tx.lastError = null;
        listener(tx).mined(tx);
    }

    private void confirmIfDeep(ChainTransaction tx, TransactionReceipt receipt, long head) {
        // The including block is the first confirmation.
        if (head - tx.blockNumber + 1 < config.confirmations()) {
            return;
        }
        Optional<EthBlock.Block> block = chain.block(tx.blockNumber);
        if (block.isEmpty() || !block.get().getHash().equalsIgnoreCase(tx.blockHash)) {
            return; // the canonical chain changed under it: the next round sees where it went
        }
        tx.confirmedAt = Instant.now();
        if (receipt.isStatusOK()) {
            tx.status = ChainTransaction.CONFIRMED;
            LOG.infof("tx %s final: %s %s, block %d, gas %d", tx.minedHash, tx.purpose, tx.subjectId,
                    tx.blockNumber, tx.gasUsed);
            listener(tx).confirmed(tx, Instant.ofEpochSecond(block.get().getTimestamp().longValueExact()));
        } else {
            fail(tx, "reverted on chain in block " + tx.blockNumber);
        }
    }

    private void fail(ChainTransaction tx, String reason) {
        tx.status = ChainTransaction.FAILED;
        tx.lastError = reason;
        LOG.warnf("tx %s (nonce %d, %s %s) failed: %s", tx.txHash, tx.nonce, tx.purpose, tx.subjectId, reason);
        listener(tx).failed(tx, reason);
    }

    /** Re-signs with the same nonce and fees raised by {@code anchor.fee-bump-percent}, persisted before it is sent. */
    private void bump(ChainTransaction tx) {
        ChainClient.Fees now = chain.currentFees();
        long tip = Math.max(raise(tx.maxPriorityFeePerGas), now.maxPriorityFeePerGas());
        long max = Math.max(raise(tx.maxFeePerGas), now.maxFeePerGas());
        max = Math.max(max, tip);
        if (config.maxFeePerGasWei().isPresent() && max > config.maxFeePerGasWei().get()) {
            max = config.maxFeePerGasWei().get();
            tip = Math.min(tip, max);
            if (max <= tx.maxFeePerGas) {
                LOG.warnf("tx %s not mined and at the fee cap %d; broadcasting it again unchanged", tx.txHash, max);
                tx.sentAt = Instant.now();
                return;
            }
        }
        ChainClient.Signed signed = chain.sign(tx.nonce, tx.toAddress, tx.callData, tx.gasLimit, max, tip);
        LOG.infof("tx %s (nonce %d) not mined after %s: replaced by %s with max fee %d -> %d wei/gas", tx.txHash,
                tx.nonce, config.resubmitAfter(), signed.txHash(), tx.maxFeePerGas, max);
        tx.maxFeePerGas = max;
        tx.maxPriorityFeePerGas = tip;
        tx.rawTx = signed.rawTx();
        tx.txHash = signed.txHash();
        tx.feeBumps++;
        tx.sentAt = Instant.now();
        transactions.flush();
        transactions.addHash(tx);
        metrics.feeBumped();
    }

    private long raise(long fee) {
        return BigInteger.valueOf(fee).multiply(BigInteger.valueOf(100L + config.feeBumpPercent()))
                .add(BigInteger.valueOf(99)).divide(BigInteger.valueOf(100)).longValueExact();
    }

    private void afterBroadcast(UUID id, Optional<String> refused) {
        Optional<ChainTransaction> locked = transactions.lock(id);
        if (locked.isEmpty() || !locked.get().inFlight()) {
            return;
        }
        ChainTransaction tx = locked.get();
        if (refused.isEmpty()) {
            tx.broadcasts++;
            tx.lastError = null;
            if (ChainTransaction.SIGNED.equals(tx.status)) {
                tx.status = ChainTransaction.SENT;
                tx.sentAt = Instant.now();
            }
            return;
        }
        String reason = refused.get();
        tx.lastError = reason.length() > 500 ? reason.substring(0, 500) : reason;
        if (reason.toLowerCase(Locale.ROOT).contains("nonce too low")) {
            // Nonce first, receipts second: a receipt cannot disappear in between (short of a reorg).
            boolean used = chain.latestNonce() > tx.nonce;
            Optional<TransactionReceipt> receipt = anyReceipt(tx);
            if (receipt.isPresent()) {
                markMined(tx, receipt.get());
            } else if (used) {
                fail(tx, "nonce " + tx.nonce + " was used by another transaction of the writer's key");
            }
            return;
        }
        LOG.warnf("node refused tx %s (nonce %d): %s", tx.txHash, tx.nonce, reason);
    }

    private Optional<TransactionReceipt> anyReceipt(ChainTransaction tx) {
        Optional<TransactionReceipt> current = chain.receipt(tx.txHash);
        if (current.isPresent()) {
            return current;
        }
        for (String hash : transactions.hashes(tx.txId)) {
            if (!hash.equalsIgnoreCase(tx.txHash)) {
                Optional<TransactionReceipt> earlier = chain.receipt(hash);
                if (earlier.isPresent()) {
                    return earlier;
                }
            }
        }
        return Optional.empty();
    }

    private TransactionOutcomes listener(ChainTransaction tx) {
        for (TransactionOutcomes o : outcomes) {
            if (o.handles(tx.purpose())) {
                return o;
            }
        }
        throw new IllegalStateException("no outcome listener for " + tx.purpose);
    }
}
