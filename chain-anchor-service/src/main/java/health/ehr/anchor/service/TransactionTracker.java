package health.ehr.anchor.service;

import health.ehr.anchor.ChainTransaction;
import health.ehr.anchor.client.ChainClient;
import health.ehr.anchor.config.AnchorConfig;
import health.ehr.anchor.repository.ChainTransactionRepository;
import health.ehr.contracts.ChainUnavailableException;
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
import java.util.OptionalLong;
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
 * declares it confirmed once it has {@code anchor.confirmations} confirmations (its own block counts as
 * the first) and its block is still canonical. A confirmed transaction stays watched until the chain
 * makes its block final ({@link ChainFinality}); a deeper reorg withdraws its outcome and sends it
 * again. Nonces the chain lacks below the lowest one in flight are filled. Outcomes go to the
 * {@link TransactionOutcomes} of the transaction's purpose.
 *
 * <p>Replicas share the work: each row is handled under {@code FOR UPDATE SKIP LOCKED}.
 */
@ApplicationScoped
public class TransactionTracker {

    private static final Logger LOG = Logger.getLogger(TransactionTracker.class);
    private static final int ROUND_LIMIT = 500;
    private static final Duration BALANCE_EVERY = Duration.ofSeconds(10);
    private static final Duration GAP_GRACE = Duration.ofSeconds(1);

    private final ChainClient chain;
    private final ChainTransactionRepository transactions;
    private final AnchorConfig config;
    private final Instance<TransactionOutcomes> outcomes;
    private final AnchorMetrics metrics;
    private final ChainFinality finality;
    private final ChainIdentity identity;
    private final Instance<ChainWriter> gapFiller;
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
    private volatile ChainClient.Head lastHead;
    private Instant gapSince;
    private long gapNonce;

    public TransactionTracker(ChainClient chain, ChainTransactionRepository transactions, AnchorConfig config,
            Instance<TransactionOutcomes> outcomes, AnchorMetrics metrics, ChainFinality finality,
            Instance<ChainWriter> gapFiller, ChainIdentity identity) {
        this.identity = identity;
        this.chain = chain;
        this.finality = finality;
        this.gapFiller = gapFiller;
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

    /**
     * One pass over every transaction in flight, and, when the head moved, over every confirmed one the
     * chain has not yet made final; returns how many are still in flight (-1: skipped).
     */
    public int round() {
        if (paused || !roundLock.tryLock()) {
            return -1;
        }
        try {
            if (!identity.usable()) {
                return -1; // a replaced chain: nothing is sent to it or judged by it until adopted
            }
            List<UUID> ids = QuarkusTransaction.requiringNew().call(() -> transactions.inFlightIds(ROUND_LIMIT));
            refreshBalance();
            ChainClient.Head head = chain.head();
            List<UUID> watched = head.equals(lastHead) ? List.of()
                    : QuarkusTransaction.requiringNew().call(() -> transactions.watchedIds(ROUND_LIMIT));
            if (ids.isEmpty() && watched.isEmpty()) {
                metrics.pendingTransactions(0);
                lastHead = head;
                return 0;
            }
            View view = new View(head.number());
            for (UUID id : watched) {
                watch(id, view);
            }
            if (!watched.isEmpty()) {
                ids = QuarkusTransaction.requiringNew().call(() -> transactions.inFlightIds(ROUND_LIMIT));
            }
            for (UUID id : ids) {
                step(id, view);
            }
            long left = QuarkusTransaction.requiringNew().call(transactions::countInFlight);
            if (left > 0) {
                fillNonceGap();
            }
            metrics.pendingTransactions(left);
            lastHead = head;
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

    /**
     * The head of one round, and what the round asks the node at most once: the final block, and the
     * canonical hash of each block a watched transaction is in.
     */
    private final class View {
        final long head;
        private long finalized = Long.MIN_VALUE;
        private final java.util.Map<Long, Optional<String>> hashes = new java.util.HashMap<>();

        View(long head) {
            this.head = head;
        }

        long finalized() {
            if (finalized == Long.MIN_VALUE) {
                finalized = finality.finalizedBlock(head);
            }
            return finalized;
        }

        /** Whether block {@code number} of the canonical chain still has {@code hash}. */
        boolean canonical(long number, String hash) {
            return hashes.computeIfAbsent(number, n -> chain.block(n).map(b -> b.getHash()))
                    .filter(hash::equalsIgnoreCase).isPresent();
        }
    }

    private void refreshBalance() {
        if (Duration.between(balanceAt, Instant.now()).compareTo(BALANCE_EVERY) > 0) {
            balanceAt = Instant.now();
            metrics.writerBalance(chain.writerBalance().doubleValue());
        }
    }

    private void step(UUID id, View view) {
        String toBroadcast = QuarkusTransaction.requiringNew().call(() -> {
            Optional<ChainTransaction> locked = transactions.lock(id);
            if (locked.isEmpty() || !locked.get().inFlight()) {
                return null;
            }
            ChainTransaction tx = locked.get();
            return switch (tx.status) {
                case ChainTransaction.SIGNED -> tx.rawTx;
                case ChainTransaction.SENT -> sent(tx, view);
                default -> mined(tx, view);
            };
        });
        broadcast(id, toBroadcast);
    }

    private void broadcast(UUID id, String rawTx) {
        if (rawTx == null) {
            return;
        }
        Optional<String> refused = chain.broadcast(rawTx);
        QuarkusTransaction.requiringNew().run(() -> afterBroadcast(id, refused));
    }

    /**
     * A confirmed transaction whose block the chain has not made final: still there, in the same block?
     * A reorg deeper than the confirmation depth withdraws its outcome and sends it again; once its
     * block is final the watch ends.
     */
    private void watch(UUID id, View view) {
        String toBroadcast = QuarkusTransaction.requiringNew().call(() -> {
            Optional<ChainTransaction> locked = transactions.lock(id);
            if (locked.isEmpty() || !locked.get().watched()) {
                return null;
            }
            ChainTransaction tx = locked.get();
            // Its block still canonical means it is still there: one block read serves every transaction
            // in that block; only a changed block costs a receipt.
            if (view.canonical(tx.blockNumber, tx.blockHash)) {
                finalizeIfFinal(tx, view);
                return null;
            }
            Optional<TransactionReceipt> receipt = chain.receipt(tx.minedHash);
            if (receipt.isPresent() && receipt.get().getBlockHash().equalsIgnoreCase(tx.blockHash)) {
                finalizeIfFinal(tx, view);
                return null;
            }
            identity.check();
            if (identity.problem().isPresent()) {
                return null; // not a reorg: another chain altogether, which nothing is sent to
            }
            LOG.warnf("reorg deeper than %d confirmations: tx %s (nonce %d, %s %s) is no longer in block %d %s;"
                    + " its outcome is withdrawn", config.confirmations(), tx.minedHash, tx.nonce, tx.purpose,
                    tx.subjectId, tx.blockNumber, tx.blockHash);
            metrics.withdrawn();
            tx.confirmedAt = null;
            tx.status = ChainTransaction.MINED;
            listener(tx).withdrawn(tx);
            if (receipt.isEmpty()) {
                return dropped(tx);
            }
            tx.reorgs++;
            metrics.reorged();
            markMined(tx, receipt.get());
            confirmIfDeep(tx, receipt.get(), view);
            return null;
        });
        broadcast(id, toBroadcast);
    }

    /** A sent transaction: mined yet? Otherwise bump its fees once it waited too long. */
    private String sent(ChainTransaction tx, View view) {
        Optional<TransactionReceipt> receipt = anyReceipt(tx);
        if (receipt.isPresent()) {
            markMined(tx, receipt.get());
            confirmIfDeep(tx, receipt.get(), view);
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
                confirmIfDeep(tx, late.get(), view);
            } else {
                fail(tx, "nonce " + tx.nonce + " was used by another transaction of the writer's key");
            }
            return null;
        }
        bump(tx);
        return tx.rawTx;
    }

    /** A mined transaction: still there, in the same block? Deep enough to be final? */
    private String mined(ChainTransaction tx, View view) {
        Optional<TransactionReceipt> receipt = chain.receipt(tx.minedHash);
        if (receipt.isEmpty()) {
            return dropped(tx);
        }
        TransactionReceipt r = receipt.get();
        if (!r.getBlockHash().equalsIgnoreCase(tx.blockHash)) {
            LOG.warnf("reorg moved tx %s from block %d to %d", tx.minedHash, tx.blockNumber,
                    r.getBlockNumber().longValueExact());
            tx.reorgs++;
            metrics.reorged();
            markMined(tx, r);
        }
        confirmIfDeep(tx, r, view);
        return null;
    }

    /** A reorg dropped a mined transaction: back to sent, and its bytes go out again (same nonce). */
    private String dropped(ChainTransaction tx) {
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

    /**
     * Nonces re-read from the chain: when the lowest nonce in flight is above the chain's count and
     * nothing on record will fill the nonces between (a reorg dropped a transaction this writer no
     * longer watches, or the chain was replaced), every later transaction would wait behind the gap.
     * A gap that lasts a second is filled, lowest nonce first, by the writer.
     */
    private void fillNonceGap() {
        OptionalLong lowest = QuarkusTransaction.requiringNew().call(transactions::lowestInFlightNonce);
        long chainNonce = chain.latestNonce();
        if (lowest.isEmpty() || lowest.getAsLong() <= chainNonce) {
            gapSince = null;
            return;
        }
        boolean watchedHoldsIt = QuarkusTransaction.requiringNew()
                .call(() -> transactions.watchedNonceAtOrAbove(chainNonce));
        if (watchedHoldsIt) {
            gapSince = null; // a confirmed transaction the watch will send again
            return;
        }
        Instant now = Instant.now();
        identity.check();
        if (identity.problem().isPresent()) {
            gapSince = null;
            return;
        }
        if (gapSince == null || gapNonce != chainNonce) {
            gapSince = now;
            gapNonce = chainNonce;
            return;
        }
        if (Duration.between(gapSince, now).compareTo(GAP_GRACE) < 0) {
            return;
        }
        LOG.warnf("nonce gap: the chain counts %d transactions of the writer, the lowest in flight is nonce %d;"
                + " filling nonce %d", chainNonce, lowest.getAsLong(), chainNonce);
        gapSince = null;
        QuarkusTransaction.requiringNew().run(() -> gapFiller.get().fillNonce(chainNonce));
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

    private void confirmIfDeep(ChainTransaction tx, TransactionReceipt receipt, View view) {
        // The including block is the first confirmation.
        if (view.head - tx.blockNumber + 1 < config.confirmations()) {
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
            finalizeIfFinal(tx, view);
        } else {
            fail(tx, "reverted on chain in block " + tx.blockNumber);
        }
    }

    /** Ends the watch of a confirmed transaction once the chain calls its block final. */
    private void finalizeIfFinal(ChainTransaction tx, View view) {
        if (tx.blockNumber > view.finalized()) {
            return;
        }
        tx.finalizedAt = Instant.now();
        LOG.debugf("tx %s final on chain (block %d, %s)", tx.minedHash, tx.blockNumber, finality.source());
        listener(tx).finalized(tx);
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
