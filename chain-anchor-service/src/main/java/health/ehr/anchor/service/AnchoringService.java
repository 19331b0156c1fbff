package health.ehr.anchor.service;

import health.ehr.anchor.AnchorLeaf;
import health.ehr.anchor.ChainTransaction;
import health.ehr.anchor.MerkleBatch;
import health.ehr.anchor.client.ChainClient;
import health.ehr.anchor.config.AnchorConfig;
import health.ehr.anchor.repository.AnchorLeafRepository;
import health.ehr.anchor.repository.AnchorLeafRepository.PendingLeaf;
import health.ehr.anchor.repository.ChainTransactionRepository;
import health.ehr.anchor.repository.MerkleBatchRepository;
import health.ehr.contracts.ContractRevert;
import health.ehr.events.Ids;
import health.ehr.events.anchor.BatchAnchorWithdrawn;
import health.ehr.events.anchor.BatchAnchored;
import health.ehr.support.messaging.OutboxWriter;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Record hashes to anchored Merkle roots. Leaves wait in {@code anchor_leaf}; the batch closer
 * closes a batch when {@code anchor.batch-max-leaves} are pending or the oldest waited
 * {@code anchor.batch-max-age} (on a chain with a steady block rhythm up to one block earlier, so
 * that the anchor makes the last block that age allows), builds the tree, stores its leaves (proofs
 * are computed from them on request) and hands the root's
 * {@code AnchorRegistry.anchor(root, leafCount)} to the {@link ChainWriter}, all in one database
 * transaction. When the anchor transaction is final, the batch is ANCHORED and BatchAnchored is
 * published through the outbox; a reorg that drops it sends it again (the root and proofs stay).
 */
@ApplicationScoped
public class AnchoringService implements TransactionOutcomes {

    private static final Logger LOG = Logger.getLogger(AnchoringService.class);

    private final AnchorLeafRepository leaves;
    private final MerkleBatchRepository batches;
    private final ChainTransactionRepository transactions;
    private final ChainWriter writer;
    private final ChainClient chain;
    private final ChainIdentity identity;
    private final OutboxWriter outbox;
    private final AnchorConfig config;
    private final AnchorMetrics metrics;
    private final BlockClock clock;
    private volatile String lastProblem;

    public AnchoringService(AnchorLeafRepository leaves, MerkleBatchRepository batches,
            ChainTransactionRepository transactions, ChainWriter writer, ChainClient chain, OutboxWriter outbox,
            AnchorConfig config, AnchorMetrics metrics, BlockClock clock, ChainIdentity identity) {
        this.identity = identity;
        this.leaves = leaves;
        this.batches = batches;
        this.transactions = transactions;
        this.writer = writer;
        this.chain = chain;
        this.outbox = outbox;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** A hash to anchor, as an event brought it. */
    public record NewLeaf(UUID id, String kind, UUID patientId, byte[] contentHash, Instant eventTime) {
    }

    /**
     * Adds leaves (in the event consumer's transaction); ids already known add nothing.
     *
     * @return how many were new
     */
    public int addLeaves(List<NewLeaf> arrived) {
        Instant now = Instant.now();
        List<AnchorLeaf> batch = new ArrayList<>(arrived.size());
        for (NewLeaf n : arrived) {
            AnchorLeaf leaf = new AnchorLeaf();
            leaf.recordId = n.id();
            leaf.kind = n.kind();
            leaf.patientId = n.patientId();
            leaf.contentHash = MerkleTree.toHex(n.contentHash());
            leaf.leaf = MerkleTree.toHex(MerkleTree.leaf(n.id(), n.contentHash()));
            leaf.eventTime = n.eventTime() == null ? now : n.eventTime();
            leaf.receivedAt = now;
            batch.add(leaf);
        }
        int added = batch.isEmpty() ? 0 : leaves.addAllIfAbsent(batch);
        if (added < batch.size()) {
            LOG.debugf("%d of %d leaves already known; not anchored again", batch.size() - added, batch.size());
        }
        return added;
    }

    private Ticker ticker;

    void startTicker(@Observes StartupEvent startup) {
        ticker = new Ticker(
                "anchor-batch-closer", Duration.ofSeconds(1), config.batchPollInterval(), this::scheduledClose);
    }

    void stopTicker(@Observes ShutdownEvent shutdown) {
        if (ticker != null) {
            ticker.close();
        }
    }

    void scheduledClose() {
        try {
            while (closeBatch().filter(n -> n == config.batchMaxLeaves()).isPresent()) {
                // a full batch: there may be more waiting
            }
            if (lastProblem != null) {
                LOG.info("batch closing resumed");
                lastProblem = null;
            }
        } catch (RuntimeException e) {
            String problem = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (!problem.equals(lastProblem)) {
                LOG.warnf("cannot close a batch now (%s); the leaves stay pending", problem);
                lastProblem = problem;
            }
        }
    }

    /**
     * Closes one batch if one is due.
     *
     * @return the number of leaves of the closed batch, empty when none was due
     */
    public Optional<Integer> closeBatch() {
        long t0 = System.nanoTime();
        if (!identity.usable()) {
            return Optional.empty(); // a replaced chain: nothing is anchored on it until adopted
        }
        // A look without locks first: most rounds find nothing due.
        Optional<Instant> oldest = QuarkusTransaction.requiringNew().call(leaves::oldestPending);
        if (oldest.isEmpty() || !due(QuarkusTransaction.requiringNew().call(
                () -> leaves.countPending(config.batchMaxLeaves())), oldest.get())) {
            return Optional.empty();
        }
        return QuarkusTransaction.requiringNew().timeout(300).call(() -> {
            List<PendingLeaf> pending = leaves.lockPending(config.batchMaxLeaves());
            if (pending.isEmpty()) {
                return Optional.<Integer>empty();
            }
            if (!due(pending.size(), pending.get(0).receivedAt())) {
                return Optional.<Integer>empty();
            }
            List<byte[]> hashes = new ArrayList<>(pending.size());
            pending.forEach(l -> hashes.add(MerkleTree.fromHex(l.leaf())));
            MerkleTree tree = MerkleTree.build(hashes);
            byte[] root = tree.root();
            String data = chain.encodeAnchor(root, tree.leafCount());
            Optional<ContractRevert> revert = chain.preflight(chain.anchorRegistry(), data);
            if (revert.isPresent()) {
                throw new IllegalStateException("AnchorRegistry would refuse the anchor: " + revert.get());
            }

            MerkleBatch batch = new MerkleBatch();
            batch.batchId = UUID.randomUUID();
            batch.merkleRoot = MerkleTree.toHex(root);
            batch.leafCount = tree.leafCount();
            batch.status = MerkleBatch.Status.SUBMITTED;
            batch.createdAt = Instant.now();
            batches.persist(batch);
            batches.flush();
            batches.storeLeaves(batch.batchId, tree.leafBytes());
            leaves.assign(batch.batchId, pending.stream().map(PendingLeaf::recordId).toList());
            ChainTransaction tx = writer.submit(ChainTransaction.Purpose.ANCHOR_BATCH, batch.batchId,
                    chain.anchorRegistry(), data);
            batch.chainTxId = tx.txId;
            batch.transactionHash = tx.txHash;
            metrics.batchClosed(batch.leafCount);
            LOG.infof("batch %s closed: %d leaves, root %s, tx %s, in %d ms", batch.batchId, batch.leafCount,
                    batch.merkleRoot, tx.txHash, (System.nanoTime() - t0) / 1_000_000);
            return Optional.of(batch.leafCount);
        });
    }

    /**
     * Whether a batch of {@code pending} leaves, the oldest received at {@code oldest}, closes now: when
     * full, when the oldest reached the max age, or, on a chain with a steady block rhythm, when now is
     * the last moment to catch the last block the max age allows (up to one block early).
     */
    private boolean due(long pending, Instant oldest) {
        Instant now = Instant.now();
        Instant deadline = oldest.plus(config.batchMaxAge());
        if (pending >= config.batchMaxLeaves() || !now.isBefore(deadline)) {
            return true;
        }
        if (config.batchSubmitLead().isZero()) {
            return false;
        }
        // Close in the last poll round before the latest moment to submit for that block.
        return clock.lastSubmitBefore(deadline, config.batchSubmitLead())
                .filter(latest -> !now.plus(config.batchPollInterval()).isBefore(latest)).isPresent();
    }

    @Override
    public boolean handles(ChainTransaction.Purpose purpose) {
        return purpose == ChainTransaction.Purpose.ANCHOR_BATCH;
    }

    @Override
    public void mined(ChainTransaction tx) {
        MerkleBatch batch = batchOf(tx);
        batch.status = MerkleBatch.Status.MINED;
        batch.transactionHash = tx.minedHash;
        batch.blockNumber = tx.blockNumber;
        batch.gasUsed = tx.gasUsed;
    }

    @Override
    public void reorged(ChainTransaction tx) {
        MerkleBatch batch = batchOf(tx);
        batch.status = MerkleBatch.Status.SUBMITTED;
        batch.reorgCount++;
        batch.blockNumber = null;
        batch.gasUsed = null;
        batch.transactionHash = tx.txHash;
        LOG.warnf("batch %s: anchor transaction dropped by a reorg; re-anchoring root %s", batch.batchId,
                batch.merkleRoot);
    }

    @Override
    public void confirmed(ChainTransaction tx, Instant blockTime) {
        MerkleBatch batch = batchOf(tx);
        batch.status = MerkleBatch.Status.ANCHORED;
        batch.transactionHash = tx.minedHash;
        batch.blockNumber = tx.blockNumber;
        batch.gasUsed = tx.gasUsed;
        batch.anchoredAt = blockTime;
        batch.failure = null;
        List<Object[]> rows = leaves.leavesOf(batch.batchId);
        List<UUID> recordIds = new ArrayList<>(rows.size());
        Instant now = Instant.now();
        for (Object[] row : rows) {
            recordIds.add(Ids.uuid((byte[]) row[0]));
            metrics.leafAnchored(Duration.between(AnchorLeafRepository.instant(row[1]), now));
        }
        metrics.batchAnchored(batch.leafCount, tx.gasUsed);
        outbox.append(new BatchAnchored(batch.batchId, batch.merkleRoot, batch.leafCount, batch.transactionHash,
                batch.blockNumber, batch.anchoredAt, recordIds));
        LOG.infof("batch %s anchored: root %s, %d leaves, tx %s, block %d, gas %d", batch.batchId, batch.merkleRoot,
                batch.leafCount, batch.transactionHash, batch.blockNumber, batch.gasUsed);
    }

    /**
     * A reorg deeper than the confirmation depth removed the anchor after BatchAnchored was announced:
     * the batch is no longer anchored (its proofs answer PENDING) and BatchAnchorWithdrawn tells the
     * records' holders; the tracker sends the same transaction again, and a new BatchAnchored follows.
     */
    @Override
    public void withdrawn(ChainTransaction tx) {
        MerkleBatch batch = batchOf(tx);
        if (batch.status != MerkleBatch.Status.ANCHORED) {
            return;
        }
        String withdrawnHash = batch.transactionHash;
        long withdrawnBlock = batch.blockNumber == null ? 0 : batch.blockNumber;
        batch.status = MerkleBatch.Status.MINED;
        batch.anchoredAt = null;
        batch.finalizedAt = null;
        batch.withdrawals++;
        outbox.append(new BatchAnchorWithdrawn(batch.batchId, batch.merkleRoot, withdrawnHash, withdrawnBlock,
                leaves.recordIdsOf(batch.batchId)));
        LOG.warnf("batch %s: anchor tx %s in block %d withdrawn by a reorg deeper than the confirmation depth",
                batch.batchId, withdrawnHash, withdrawnBlock);
    }

    @Override
    public void finalized(ChainTransaction tx) {
        MerkleBatch batch = batchOf(tx);
        if (batch.status == MerkleBatch.Status.ANCHORED) {
            batch.finalizedAt = tx.finalizedAt;
        }
    }

    /**
     * The anchor transaction reverted or lost its nonce. If the root is on chain anyway (an earlier
     * signature of it won), the batch adopts that anchor; otherwise the root is sent again with a new
     * transaction, after a pre-flight, so a refusal never costs gas twice.
     */
    @Override
    public void failed(ChainTransaction tx, String reason) {
        MerkleBatch batch = batchOf(tx);
        batch.failure = reason.length() > 500 ? reason.substring(0, 500) : reason;
        byte[] root = MerkleTree.fromHex(batch.merkleRoot);
        String data = chain.encodeAnchor(root, batch.leafCount);
        Optional<ContractRevert> revert = chain.preflight(chain.anchorRegistry(), data);
        if (revert.isPresent()) {
            LOG.errorf("batch %s: anchor failed (%s) and a new one would be refused (%s); left for an operator",
                    batch.batchId, reason, revert.get());
            batch.failure = ("anchor refused: " + revert.get()).substring(0, Math.min(500,
                    ("anchor refused: " + revert.get()).length()));
            return;
        }
        ChainTransaction again = writer.submit(ChainTransaction.Purpose.ANCHOR_BATCH, batch.batchId,
                chain.anchorRegistry(), data);
        batch.chainTxId = again.txId;
        batch.transactionHash = again.txHash;
        batch.status = MerkleBatch.Status.SUBMITTED;
        batch.blockNumber = null;
        batch.gasUsed = null;
        LOG.warnf("batch %s: anchor tx %s failed (%s); sent again as %s", batch.batchId, tx.txHash, reason,
                again.txHash);
    }

    private MerkleBatch batchOf(ChainTransaction tx) {
        MerkleBatch batch = batches.findById(tx.subjectId);
        if (batch == null) {
            throw new IllegalStateException("anchor transaction " + tx.txId + " of unknown batch " + tx.subjectId);
        }
        return batch;
    }
}
