package health.ehr.anchor.service;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.ehr.anchor.ChainTransaction;
import health.ehr.anchor.MerkleBatch;
import health.ehr.anchor.client.ChainClient;
import health.ehr.anchor.repository.ChainTransactionRepository;
import health.ehr.anchor.testing.EventBus;
import health.ehr.anchor.testing.ThrowawayChain;
import health.ehr.anchor.testing.ThrowawayChainProfile;
import health.ehr.events.Ids;
import health.ehr.events.Topics;
import health.ehr.events.anchor.BatchAnchored;
import health.ehr.events.records.RecordStored;
import health.ehr.support.messaging.KafkaClients;
import health.ehr.support.testing.Anvil;
import health.ehr.support.testing.Poll;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import health.ehr.anchor.testing.ConsumerWarmup;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The writer under faults, on a throwaway anvil: a reorg that drops the anchor transaction before
 * it is final, a node that goes away and comes back, and a transaction the chain does not mine in
 * time (automine off) that is replaced with higher fees under the same nonce.
 */
@QuarkusTest
@TestProfile(ThrowawayChainProfile.class)
class ChainFaultsTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Inject
    KafkaClients clients;
    @Inject
    EntityManager em;
    @Inject
    ChainTransactionRepository transactions;
    @Inject
    ChainClient chain;

    @AfterEach
    void automineOn() throws Exception {
        ThrowawayChain.anvil.rpc("evm_setAutomine", true);
    }

    @BeforeEach
    void consumerReady() throws Exception {
        ConsumerWarmup.ensure(clients, em);
    }

    @Test
    void aReorgThatDropsTheAnchorBeforeItIsFinalIsAnchoredAgain() throws Exception {
        Anvil anvil = ThrowawayChain.anvil;
        try (EventBus bus = new EventBus(clients); EventBus.Reader anchored = bus.readerAtEnd(Topics.ANCHOR)) {
            UUID recordId = publishRecord(bus);
            ChainTransaction mined = awaitTransaction(recordId, ChainTransaction.MINED);
            MerkleBatch before = batch(mined.subjectId);
            assertEquals(MerkleBatch.Status.MINED, before.status);

            // Mining off, then drop the anchor's block (and one on top of it): the anchor is gone.
            anvil.rpc("evm_setAutomine", false);
            long depth = anvil.blockNumber() - mined.blockNumber + 1;
            anvil.rpc("anvil_reorg", depth, List.of());
            assertTrue(anvil.web3j().ethGetTransactionReceipt(mined.txHash).send().getTransactionReceipt().isEmpty(),
                    "the reorg dropped the anchor transaction");
            Poll.until("the writer noticed the reorg", DEADLINE,
                    () -> QuarkusTransaction.requiringNew().call(() -> transactions.findById(mined.txId).reorgs) > 0);
            anvil.rpc("evm_setAutomine", true);

            List<BatchAnchored> events = AnchoringTest.awaitAnchored(anchored, anvil, List.of(recordId));
            assertEquals(1, events.size(), "announced once, after the re-anchor");
            BatchAnchored event = events.get(0);
            MerkleBatch after = batch(mined.subjectId);
            assertEquals(MerkleBatch.Status.ANCHORED, after.status);
            assertTrue(after.reorgCount >= 1);
            assertEquals(before.merkleRoot, event.merkleRoot(), "same root, same proofs");
            assertEquals(BigInteger.valueOf(event.blockNumber()),
                    chain.anchoredAt(MerkleTree.fromHex(event.merkleRoot())).component2(),
                    "the root is on the canonical chain where the event says");
            ChainTransaction tx = QuarkusTransaction.requiringNew().call(() -> transactions.findById(mined.txId));
            assertEquals(mined.nonce, tx.nonce, "re-anchored with the same nonce");
        }
    }

    @Test
    void anUnreachableNodeMakesTheServiceUnreadyAndItCatchesUpWhenBack() throws Exception {
        Anvil anvil = ThrowawayChain.anvil;
        try (EventBus bus = new EventBus(clients); EventBus.Reader anchored = bus.readerAtEnd(Topics.ANCHOR)) {
            anvil.stop();
            given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'Ethereum node' }.status", equalTo("DOWN"));
            given().get("/q/health/live").then().statusCode(200);
            byte[] leaf = MerkleTree.leaf(UUID.randomUUID(), new byte[32]);
            given().contentType(io.restassured.http.ContentType.JSON).body(java.util.Map.of("leaf",
                            MerkleTree.toHex(leaf), "proof", List.of(), "merkleRoot", MerkleTree.toHex(leaf)))
                    .post("/api/anchors/verify").then().statusCode(503).contentType("application/problem+json");
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(publishRecord(bus));
            }
            Poll.until("the leaves are stored while the node is away", DEADLINE, () -> QuarkusTransaction
                    .requiringNew().call(() -> ids.stream().allMatch(id -> em.find(health.ehr.anchor.AnchorLeaf.class,
                            id) != null)));
            Thread.sleep(2_500); // longer than batch-max-age: the closer tries and must not lose them

            anvil.start();
            given().get("/q/health/ready").then().statusCode(200)
                    .body("checks.name", hasItem("Ethereum node"));
            List<BatchAnchored> events = AnchoringTest.awaitAnchored(anchored, anvil, ids);
            assertEquals(3, events.stream().mapToLong(e -> e.recordIds().stream().filter(ids::contains).count()).sum());
        }
    }

    @Test
    void aTransactionNotMinedInTimeIsReplacedWithHigherFeesAndTheSameNonce() throws Exception {
        Anvil anvil = ThrowawayChain.anvil;
        try (EventBus bus = new EventBus(clients); EventBus.Reader anchored = bus.readerAtEnd(Topics.ANCHOR)) {
            anvil.rpc("evm_setAutomine", false);
            UUID recordId = publishRecord(bus);
            ChainTransaction sent = awaitTransaction(recordId, ChainTransaction.SENT);
            Poll.until("a fee bump", DEADLINE, () -> QuarkusTransaction.requiringNew()
                    .call(() -> transactions.findById(sent.txId).feeBumps) >= 1);
            ChainTransaction bumped = QuarkusTransaction.requiringNew().call(() -> transactions.findById(sent.txId));
            assertEquals(sent.nonce, bumped.nonce);
            assertTrue(bumped.maxFeePerGas >= sent.maxFeePerGas * 125 / 100, "max fee raised by 25 %");
            assertTrue(bumped.maxPriorityFeePerGas >= sent.maxPriorityFeePerGas * 125 / 100, "tip raised by 25 %");
            assertTrue(!bumped.txHash.equals(sent.txHash));
            List<String> hashes = QuarkusTransaction.requiringNew().call(() -> transactions.hashes(sent.txId));
            assertTrue(hashes.contains(sent.txHash) && hashes.contains(bumped.txHash), "every signature is on record");

            anvil.rpc("evm_setAutomine", true);
            anvil.mine(1);
            List<BatchAnchored> events = AnchoringTest.awaitAnchored(anchored, anvil, List.of(recordId));
            assertEquals(1, events.size());
            assertTrue(hashes.contains(events.get(0).transactionHash()), "one of its signatures was mined");
            assertEquals(1L, (long) QuarkusTransaction.requiringNew().call(() -> transactions.count("nonce",
                    sent.nonce)));
        }
    }

    private static UUID publishRecord(EventBus bus) throws Exception {
        UUID recordId = UUID.randomUUID();
        bus.publish(new RecordStored(recordId, UUID.randomUUID(), UUID.randomUUID(),
                AnchoringTest.hex(AnchoringTest.randomHash()), 1, "OTHER", Instant.now()));
        return recordId;
    }

    private MerkleBatch batch(UUID batchId) {
        return QuarkusTransaction.requiringNew().call(() -> em.find(MerkleBatch.class, batchId));
    }

    private ChainTransaction awaitTransaction(UUID recordId, String status) throws Exception {
        ChainTransaction[] found = new ChainTransaction[1];
        Poll.until(status + " anchor transaction of " + recordId, DEADLINE, () -> {
            found[0] = QuarkusTransaction.requiringNew().call(() -> {
                @SuppressWarnings("unchecked")
                List<byte[]> ids = em.createNativeQuery("SELECT t.tx_id FROM chain_tx t"
                                + " JOIN anchor_leaf l ON l.batch_id = t.subject_id WHERE l.record_id = ?1")
                        .setParameter(1, Ids.bytes(recordId)).getResultList();
                return ids.isEmpty() ? null : transactions.findById(Ids.uuid(ids.get(0)));
            });
            return found[0] != null && status.equals(found[0].status);
        });
        return found[0];
    }
}
