package health.ehr.anchor.service;

import health.ehr.anchor.MerkleBatch;
import health.ehr.anchor.client.ChainClient;
import health.ehr.anchor.config.AnchorConfig;
import health.ehr.anchor.repository.AnchorLeafRepository;
import health.ehr.contracts.ChainUnavailableException;
import health.ehr.events.anchor.BatchAnchorWithdrawn;
import health.ehr.events.anchor.BatchAnchored;
import health.ehr.support.messaging.OutboxWriter;
import health.ehr.support.rest.DomainException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Default;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Which chain this installation's database belongs to: the chain id and the hash of block 0, recorded
 * at the first start. A node that serves another chain (a test network reset, a node pointed at the
 * wrong network, a chain replaced under a kept database) is noticed within {@value #RECHECK_SECONDS}
 * seconds: readiness goes DOWN with the reason, the writer sends nothing, no proof is served and
 * every announced anchor is withdrawn (BatchAnchorWithdrawn: records-service shows the records
 * PENDING), to be announced again should the node return to the recorded chain. An operator who
 * means to move to the new chain adopts it by its genesis hash ({@code anchor.adopt-chain}); then
 * every record and sealed access-log head is batched and anchored again on it, and every chain
 * command is sent again, in order.
 */
@Readiness
@Default // injected as itself too, not only as a readiness check
@ApplicationScoped
public class ChainIdentity implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(ChainIdentity.class);
    static final int RECHECK_SECONDS = 2;

    private final ChainClient chain;
    private final AnchorConfig config;
    private final EntityManager em;
    private final OutboxWriter outbox;
    private final AnchorLeafRepository leaves;
    private volatile Instant checkedAt = Instant.EPOCH;
    private volatile String problem;

    public ChainIdentity(ChainClient chain, AnchorConfig config, EntityManager em, OutboxWriter outbox,
            AnchorLeafRepository leaves) {
        this.chain = chain;
        this.config = config;
        this.em = em;
        this.outbox = outbox;
        this.leaves = leaves;
    }

    void onStart(@Observes StartupEvent startup) {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.warnf("chain identity not checked yet (%s); checked again before anything is written", e.getMessage());
        }
    }

    /**
     * Whether the node serves the chain the database belongs to (asked of the node at most every
     * {@value #RECHECK_SECONDS} s). Throws {@link health.ehr.contracts.ChainUnavailableException}
     * while the node does not answer.
     */
    public boolean usable() {
        if (Duration.between(checkedAt, Instant.now()).getSeconds() >= RECHECK_SECONDS) {
            check();
        }
        return problem == null;
    }

    /** Why the node's chain is not this installation's, if it is not (as of the last check). */
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    /** Compares the node's chain with the recorded one; records it the first time, adopts it when told to. */
    public synchronized void check() {
        long chainId = chain.probeChainId();
        String genesis = chain.genesisHash();
        String found = QuarkusTransaction.requiringNew().call(() -> compare(chainId, genesis));
        if (found != null && !found.equals(problem)) {
            LOG.errorf("%s", found);
        } else if (found == null && problem != null) {
            LOG.infof("the node serves this installation's chain again (chain %d, genesis %s)", chainId, genesis);
        }
        problem = found;
        checkedAt = Instant.now();
    }

    private String compare(long chainId, String genesis) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT chain_id, genesis_hash, withdrawn_for FROM chain_identity"
                + " WHERE id = 1 FOR UPDATE").getResultList();
        if (rows.isEmpty()) {
            em.createNativeQuery("INSERT INTO chain_identity (id, chain_id, genesis_hash, recorded_at)"
                    + " VALUES (1, ?1, ?2, ?3)").setParameter(1, chainId).setParameter(2, genesis)
                    .setParameter(3, Instant.now()).executeUpdate();
            LOG.infof("chain identity recorded: chain %d, genesis %s", chainId, genesis);
            return null;
        }
        long recordedId = ((Number) rows.get(0)[0]).longValue();
        String recordedGenesis = (String) rows.get(0)[1];
        boolean withdrawn = rows.get(0)[2] != null;
        if (recordedId == chainId && recordedGenesis.equalsIgnoreCase(genesis)) {
            if (withdrawn) {
                // The node serves this installation's chain again (it had been pointed elsewhere).
                int announced = announceAnchored();
                setWithdrawnFor(null);
                LOG.warnf("back on the recorded chain: %d anchors announced again", announced);
            }
            return null;
        }
        if (chainId == config.chainId() && config.adoptChain().filter(genesis::equalsIgnoreCase).isPresent()) {
            moveTo(recordedGenesis, withdrawn, chainId, genesis);
            return null;
        }
        if (!withdrawn) {
            // Nothing may stay announced as anchored while the node's chain lacks it: records go PENDING.
            int count = withdrawAnchored();
            setWithdrawnFor(genesis);
            LOG.warnf("the node serves another chain: %d announced anchors withdrawn until it is adopted or the"
                    + " recorded chain is back", count);
        }
        return "the Ethereum node serves chain " + chainId + " with genesis " + genesis + ", but this installation's"
                + " anchors and consents were written to chain " + recordedId + " with genesis " + recordedGenesis
                + "; nothing is written or served as anchored until an operator adopts the new chain"
                + " (anchor.adopt-chain / EHR_CHAIN_ADOPT=" + genesis + ")";
    }

    /** What adopting a chain did. */
    public record Adoption(long chainId, String genesisHash, String replacedGenesisHash, int anchorsWithdrawn,
            int batchesRetired, int leavesToAnchor, int transactionsArchived, int commandsToSend) {
    }

    /**
     * Adopts the chain the node serves now, named by its genesis hash (so an operator cannot adopt a
     * chain by accident): refused unless the node serves the configured chain id with exactly that
     * genesis and the database belongs to another chain.
     */
    public synchronized Adoption adopt(String genesisHash) {
        long chainId;
        String genesis;
        try {
            chainId = chain.probeChainId();
            genesis = chain.genesisHash();
        } catch (ChainUnavailableException e) {
            throw new DomainException(Response.Status.SERVICE_UNAVAILABLE, "chain-unavailable",
                    "The Ethereum node does not answer; try again shortly.");
        }
        if (chainId != config.chainId()) {
            throw DomainException.conflict("The node serves chain " + chainId + ", not the configured chain "
                    + config.chainId() + "; change anchor.chain-id (and sign for that chain) first.");
        }
        if (!genesis.equalsIgnoreCase(genesisHash)) {
            throw DomainException.conflict("The node's genesis block is " + genesis + ", not " + genesisHash + ".");
        }
        Adoption adoption = QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery("SELECT chain_id, genesis_hash, withdrawn_for FROM"
                    + " chain_identity WHERE id = 1 FOR UPDATE").getResultList();
            if (rows.isEmpty() || ((String) rows.get(0)[1]).equalsIgnoreCase(genesis)) {
                return null;
            }
            return moveTo((String) rows.get(0)[1], rows.get(0)[2] != null, chainId, genesis);
        });
        if (adoption == null) {
            throw DomainException.conflict("This installation already writes to the chain with genesis " + genesis
                    + "; there is nothing to adopt.");
        }
        problem = null;
        checkedAt = Instant.now();
        return adoption;
    }

    /**
     * Moves everything onto the adopted chain in one database transaction: announced anchors are
     * withdrawn, batches retired and their leaves pending again (the batch closer anchors them anew),
     * the old chain's transactions archived in {@code chain_tx_replaced}, the writer's nonce taken from
     * the new chain, and every relayed chain command pending again (they keep their order).
     */
    /** Announces BatchAnchorWithdrawn for every ANCHORED batch; how many. */
    private int withdrawAnchored() {
        List<MerkleBatch> announced = anchoredBatches();
        for (MerkleBatch batch : announced) {
            outbox.append(new BatchAnchorWithdrawn(batch.batchId, batch.merkleRoot, batch.transactionHash,
                    batch.blockNumber == null ? 0 : batch.blockNumber,
                    leaves.recordIdsOf(batch.batchId)));
        }
        return announced.size();
    }

    /** Announces BatchAnchored again for every ANCHORED batch (after a withdrawal that no longer holds). */
    private int announceAnchored() {
        List<MerkleBatch> announced = anchoredBatches();
        for (MerkleBatch batch : announced) {
            outbox.append(new BatchAnchored(batch.batchId, batch.merkleRoot, batch.leafCount, batch.transactionHash,
                    batch.blockNumber == null ? 0 : batch.blockNumber, batch.anchoredAt,
                    leaves.recordIdsOf(batch.batchId)));
        }
        return announced.size();
    }

    private List<MerkleBatch> anchoredBatches() {
        return em.createQuery("FROM MerkleBatch WHERE status = :s", MerkleBatch.class)
                .setParameter("s", MerkleBatch.Status.ANCHORED).getResultList();
    }

    private void setWithdrawnFor(String genesis) {
        em.createNativeQuery("UPDATE chain_identity SET withdrawn_for = ?1 WHERE id = 1").setParameter(1, genesis)
                .executeUpdate();
    }

    private Adoption moveTo(String oldGenesis, boolean alreadyWithdrawn, long chainId, String genesis) {
        Instant now = Instant.now();
        // Withdrawn already when the other chain was first seen; else now, in this transaction.
        int anchored = alreadyWithdrawn ? anchoredBatches().size() : withdrawAnchored();
        int retired = em.createNativeQuery("UPDATE anchor_batch SET status = ?1, failure = ?2"
                        + " WHERE status IN ('SUBMITTED', 'MINED', 'ANCHORED')")
                .setParameter(1, MerkleBatch.Status.REPLACED.name())
                .setParameter(2, "its chain (genesis " + oldGenesis + ") was replaced; its leaves are anchored anew")
                .executeUpdate();
        int requeued = em.createNativeQuery("UPDATE anchor_leaf SET batch_id = NULL WHERE batch_id IN"
                + " (SELECT batch_id FROM anchor_batch WHERE status = ?1)")
                .setParameter(1, MerkleBatch.Status.REPLACED.name()).executeUpdate();
        int archived = em.createNativeQuery("INSERT INTO chain_tx_replaced (tx_id, genesis_hash, replaced_at,"
                        + " from_address, nonce, purpose, subject_id, tx_hash, status, block_number, block_hash)"
                        + " SELECT tx_id, ?1, ?2, from_address, nonce, purpose, subject_id,"
                        + " COALESCE(mined_hash, tx_hash), status, block_number, block_hash FROM chain_tx")
                .setParameter(1, oldGenesis).setParameter(2, now).executeUpdate();
        em.createNativeQuery("DELETE FROM chain_tx_hash").executeUpdate();
        em.createNativeQuery("DELETE FROM chain_tx").executeUpdate();
        em.createNativeQuery("UPDATE writer_nonce SET next_nonce = ?1 WHERE from_address = ?2")
                .setParameter(1, chain.pendingNonce()).setParameter(2, chain.writerAddress()).executeUpdate();
        int commands = em.createNativeQuery("UPDATE chain_command SET status = 'PENDING', chain_tx_id = NULL,"
                + " updated_at = ?1 WHERE status IN ('SUBMITTED', 'DONE')").setParameter(1, now).executeUpdate();
        em.createNativeQuery("UPDATE chain_identity SET chain_id = ?1, genesis_hash = ?2, recorded_at = ?3,"
                + " withdrawn_for = NULL WHERE id = 1").setParameter(1, chainId)
                .setParameter(2, genesis.toLowerCase(Locale.ROOT)).setParameter(3, now).executeUpdate();
        LOG.warnf("adopted chain %d with genesis %s in place of genesis %s: %d anchors withdrawn, %d batches"
                + " retired, %d leaves to anchor again, %d transactions archived, %d chain commands to send again",
                chainId, genesis, oldGenesis, anchored, retired, requeued, archived, commands);
        return new Adoption(chainId, genesis, oldGenesis, anchored, retired, requeued, archived, commands);
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("Chain identity");
        try {
            if (usable()) {
                return response.up().build();
            }
        } catch (RuntimeException e) {
            return response.down().withData("error", "not checked: " + e.getMessage()).build();
        }
        return response.down().withData("error", problem).build();
    }
}
