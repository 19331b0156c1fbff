package health.ehr.anchor.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.ehr.anchor.AnchorLeaf;
import health.ehr.anchor.MerkleBatch;
import health.ehr.anchor.client.ChainClient;
import health.ehr.anchor.repository.AnchorLeafRepository;
import health.ehr.anchor.repository.ChainTransactionRepository;
import health.ehr.anchor.repository.MerkleBatchRepository;
import health.ehr.anchor.service.AnchorViews.ProofStep;
import health.ehr.anchor.service.MerkleTree.Position;
import health.ehr.contracts.ChainUnavailableException;
import health.ehr.support.rest.DomainException;
import health.ehr.support.rest.Page;
import health.ehr.support.rest.PageRequest;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.Response;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.web3j.tuples.generated.Tuple3;

/** What the Anchors API reads: batches, proofs, verification against the chain, the chain's state. */
@ApplicationScoped
public class AnchorQueries {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CACHED_TREES = 8;

    /** The trees of the batches asked about last (a closed batch's tree never changes). */
    private final Map<UUID, MerkleTree> trees = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<UUID, MerkleTree> eldest) {
                    return size() > CACHED_TREES;
                }
            });

    private final MerkleBatchRepository batches;
    private final AnchorLeafRepository leaves;
    private final ChainTransactionRepository transactions;
    private final ChainClient chain;
    private final ChainIdentity identity;

    public AnchorQueries(MerkleBatchRepository batches, AnchorLeafRepository leaves,
            ChainTransactionRepository transactions, ChainClient chain, ChainIdentity identity) {
        this.identity = identity;
        this.batches = batches;
        this.leaves = leaves;
        this.transactions = transactions;
        this.chain = chain;
    }

    @Transactional
    public Page<AnchorViews.Batch> batches(PageRequest page) {
        var query = batches.findAll(Sort.descending("createdAt").and("batchId"));
        List<MerkleBatch> items = query.page(io.quarkus.panache.common.Page.of(page.page, page.size)).list();
        return new Page<>(items.stream().map(AnchorQueries::view).toList(), page.page, page.size, query.count());
    }

    @Transactional
    public AnchorViews.Batch batch(UUID batchId) {
        MerkleBatch batch = batches.findById(batchId);
        if (batch == null) {
            throw DomainException.notFound("No batch " + batchId + ".");
        }
        return view(batch);
    }

    /** The proof of a record (or sealed audit head); 404 when this service never saw its hash. */
    @Transactional
    public AnchorViews.Proof proof(UUID recordId) {
        AnchorLeaf leaf = leaves.findById(recordId);
        if (leaf == null) {
            throw DomainException.notFound("No anchor leaf for " + recordId + ".");
        }
        if (identity.problem().isPresent()) {
            throw new DomainException(Response.Status.SERVICE_UNAVAILABLE, "chain-replaced",
                    "The Ethereum node serves another chain than the one this record was anchored to; no proof is"
                            + " served until an operator adopts the new chain and the record is anchored on it.");
        }
        MerkleBatch batch = leaf.batchId == null ? null : batches.findById(leaf.batchId);
        List<ProofStep> proof = batch == null ? null : proofOf(leaf, batch);
        boolean anchored = batch != null && batch.status == MerkleBatch.Status.ANCHORED;
        return new AnchorViews.Proof(recordId, anchored ? "ANCHORED" : "PENDING", leaf.leaf,
                batch == null ? null : batch.merkleRoot, proof,
                batch == null ? null : batch.batchId, chain.chainId(), chain.anchorRegistry(),
                anchored ? batch.transactionHash : null, anchored ? batch.blockNumber : null,
                anchored ? batch.anchoredAt : null, anchored && batch.finalizedAt != null);
    }

    /**
     * From the batch's stored leaves (the tree is rebuilt, which is cheap, and cached:
     * docs/benchmarks.md#anchorqueries-proofs-rebuilt-from-a-batchs-leaves), or a stored proof.
     */
    private List<ProofStep> proofOf(AnchorLeaf leaf, MerkleBatch batch) {
        MerkleTree tree = trees.get(batch.batchId);
        if (tree == null) {
            Optional<byte[]> stored = batches.leaves(batch.batchId);
            if (stored.isEmpty()) {
                return leaves.proof(leaf.recordId).map(p -> steps(p.proofJson())).orElse(null);
            }
            tree = MerkleTree.build(MerkleTree.split(stored.get()));
            trees.put(batch.batchId, tree);
        }
        int index = tree.indexOf(MerkleTree.fromHex(leaf.leaf));
        if (index < 0) {
            throw new IllegalStateException("leaf " + leaf.recordId + " is not in its batch " + batch.batchId);
        }
        return tree.proof(index).stream().map(s -> new ProofStep(s.position().apiValue(), s.hex())).toList();
    }

    /** Folds the proof and reads {@code AnchorRegistry.anchoredAt(merkleRoot)}; 503 when the node is down. */
    @Transactional
    public AnchorViews.VerifyResult verify(AnchorViews.VerifyRequest request) {
        List<MerkleTree.ProofStep> steps = request.proof().stream()
                .map(s -> new MerkleTree.ProofStep("left".equals(s.position()) ? Position.LEFT : Position.RIGHT,
                        MerkleTree.fromHex(s.hash())))
                .toList();
        byte[] root = MerkleTree.fromHex(request.merkleRoot());
        boolean valid = MerkleTree.verify(MerkleTree.fromHex(request.leaf()), steps, root);
        Tuple3<BigInteger, BigInteger, BigInteger> at;
        try {
            at = chain.anchoredAt(root);
        } catch (ChainUnavailableException e) {
            throw unavailable();
        }
        boolean anchored = at.component3().signum() > 0;
        if (!anchored) {
            return new AnchorViews.VerifyResult(valid, false, null, null);
        }
        String txHash = batches.find("merkleRoot", MerkleTree.toHex(root)).firstResultOptional()
                .map(b -> b.transactionHash).orElse(null);
        return new AnchorViews.VerifyResult(valid, true, at.component2().longValueExact(), txHash);
    }

    @Transactional
    public AnchorViews.ChainStatus chainStatus() {
        try {
            return new AnchorViews.ChainStatus(chain.chainId(), chain.blockNumber(), chain.writerAddress(),
                    chain.writerBalance().toString(), transactions.countInFlight(),
                    Map.of("anchorRegistry", chain.anchorRegistry(), "patientRegistry", chain.patientRegistry(),
                            "consentRegistry", chain.consentRegistry()));
        } catch (ChainUnavailableException e) {
            throw unavailable();
        }
    }

    private static DomainException unavailable() {
        return new DomainException(Response.Status.SERVICE_UNAVAILABLE, "chain-unavailable",
                "The Ethereum node does not answer; try again shortly.");
    }

    private static List<ProofStep> steps(String json) {
        try {
            return JSON.readValue(json, new TypeReference<List<ProofStep>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored proof unreadable", e);
        }
    }

    static AnchorViews.Batch view(MerkleBatch b) {
        return new AnchorViews.Batch(b.batchId, b.merkleRoot, b.leafCount, b.transactionHash, b.blockNumber,
                b.gasUsed, b.status.name(), b.createdAt, b.anchoredAt,
                b.status == MerkleBatch.Status.ANCHORED && b.finalizedAt != null);
    }
}
