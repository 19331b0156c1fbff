package health.ehr.anchor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.ehr.anchor.ChainTransaction;
import health.ehr.anchor.MerkleBatch;
import health.ehr.anchor.client.ChainClient;
import health.ehr.anchor.repository.ChainTransactionRepository;
import health.ehr.anchor.testing.ConsumerWarmup;
import health.ehr.anchor.testing.EventBus;
import health.ehr.anchor.testing.ThrowawayChain;
import health.ehr.anchor.testing.ThrowawayChainProfile;
import health.ehr.events.CloudEvent;
import health.ehr.events.EventData;
import health.ehr.events.Topics;
import health.ehr.events.anchor.BatchAnchorWithdrawn;
import health.ehr.events.anchor.BatchAnchored;
import health.ehr.events.records.AuditHeadSealed;
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
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reorganisations deeper than the confirmation depth (2) on a throwaway anvil, after the anchor was
 * announced: the anchor is withdrawn at once and anchored again on the canonical chain, later
 * transactions do not wait behind the dropped nonces, a nonce the writer lost is filled, and a
 * batch is called final only once the chain's {@code finalized} block passes it (anvil: head − 64).
 */
@QuarkusTest
@TestProfile(ThrowawayChainProfile.class)
class DeepReorgTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Inject
    KafkaClients clients;
    @Inject
    EntityManager em;
    @Inject
    ChainTransactionRepository transactions;
    @Inject
    ChainClient chain;
    @Inject
    AnchorQueries queries;

    @BeforeEach
    void consumerReady() throws Exception {
        ConsumerWarmup.ensure(clients, em);
    }

    @AfterEach
    void automineOn() throws Exception {
        ThrowawayChain.anvil.rpc("evm_setAutomine", true);
    }

    @Test
    void aReorgDeeperThanTheConfirmationsWithdrawsTheAnnouncedAnchorAndAnchorsItAgain() throws Exception {
        Anvil anvil = ThrowawayChain.anvil;
        try (EventBus bus = new EventBus(clients); EventBus.Reader anchorTopic = bus.readerAtEnd(Topics.ANCHOR)) {
            UUID recordId = publishRecord(bus);
            UUID sealId = UUID.randomUUID(); // an access-log seal rides in the same batch and is treated alike
            bus.publish(new AuditHeadSealed(sealId, UUID.randomUUID(), AnchoringTest.hex(AnchoringTest.randomHash()),
                    3, Instant.now()));
            List<BatchAnchored> first = AnchoringTest.awaitAnchored(anchorTopic, anvil, List.of(recordId, sealId));
            BatchAnchored announced = batchOf(first, recordId);
            BatchAnchored sealBatch = batchOf(first, sealId);
            AnchorViews.Proof before = queries.proof(recordId);
            assertEquals("ANCHORED", before.status());
            assertFalse(before.finalized(), "anvil finalizes 64 blocks below the head: not final yet");
            ChainTransaction confirmed = transactionOf(announced.batchId());
            assertEquals(ChainTransaction.CONFIRMED, confirmed.status);
            assertNull(confirmed.finalizedAt, "a confirmed transaction stays watched until final");

            // Drop the anchor's block and everything above it: deeper than the 2 confirmations.
            anvil.rpc("evm_setAutomine", false);
            long depth = anvil.blockNumber() - Math.min(announced.blockNumber(), sealBatch.blockNumber()) + 1;
            assertTrue(depth >= 2, "the reorg is at least as deep as the confirmation depth");
            Instant reorgAt = Instant.now();
            anvil.rpc("anvil_reorg", depth, List.of());
            assertTrue(anvil.web3j().ethGetTransactionReceipt(announced.transactionHash()).send()
                    .getTransactionReceipt().isEmpty(), "the reorg dropped the announced anchor");

            java.util.Set<UUID> batchIds = new java.util.HashSet<>(List.of(announced.batchId(), sealBatch.batchId()));
            List<CloudEvent<EventData>> withdrawn = anchorTopic.await(e -> e.data() instanceof BatchAnchorWithdrawn w
                    && batchIds.contains(w.batchId()), batchIds.size(), Duration.ofSeconds(10));
            assertEquals(batchIds.size(), withdrawn.size(), "BatchAnchorWithdrawn announced for each batch");
            List<UUID> withdrawnIds = withdrawn.stream()
                    .flatMap(e -> ((BatchAnchorWithdrawn) e.data()).recordIds().stream()).toList();
            assertTrue(withdrawnIds.contains(recordId) && withdrawnIds.contains(sealId), withdrawnIds.toString());
            assertTrue(withdrawn.stream().anyMatch(e -> announced.transactionHash()
                    .equals(((BatchAnchorWithdrawn) e.data()).transactionHash())));
            AnchorViews.Proof during = queries.proof(recordId);
            Duration falseClaim = Duration.between(reorgAt, Instant.now());
            assertEquals("PENDING", during.status(), "the proof no longer claims the dropped anchor");
            assertEquals("PENDING", queries.proof(sealId).status(), "nor the access-log seal's");
            assertNull(during.transactionHash());
            System.out.printf("DeepReorgTest: anchor withdrawn %d ms after the reorg%n", falseClaim.toMillis());

            // Mining again; a record that arrives after the reorg is anchored too (no nonce gap).
            anvil.rpc("evm_setAutomine", true);
            Instant resumedAt = Instant.now();
            UUID later = publishRecord(bus);
            List<BatchAnchored> again = AnchoringTest.awaitAnchored(anchorTopic, anvil,
                    List.of(recordId, sealId, later));
            BatchAnchored reanchored = again.stream().filter(b -> b.batchId().equals(announced.batchId()))
                    .findFirst().orElseThrow();
            System.out.printf("DeepReorgTest: anchored again %d ms after mining resumed%n",
                    Duration.between(resumedAt, Instant.now()).toMillis());
            assertEquals(announced.merkleRoot(), reanchored.merkleRoot(), "the same root, so the same proofs");
            assertEquals(BigInteger.valueOf(reanchored.blockNumber()),
                    chain.anchoredAt(MerkleTree.fromHex(reanchored.merkleRoot())).component2(),
                    "the root is on the canonical chain where the new event says");
            assertTrue(anvil.web3j().ethGetTransactionReceipt(reanchored.transactionHash()).send()
                    .getTransactionReceipt().isPresent(), "the new transaction is on the canonical chain");
            AnchorViews.Proof after = queries.proof(recordId);
            assertEquals("ANCHORED", after.status());
            assertEquals(reanchored.transactionHash(), after.transactionHash());
            assertEquals("ANCHORED", queries.proof(sealId).status());
            assertEquals(1, batch(announced.batchId()).withdrawals);

            // The chain's finalized tag passes the anchor: final, and no longer watched.
            anvil.mine(70);
            Poll.until("the anchor is final", DEADLINE, () -> queries.proof(recordId).finalized());
            assertTrue(QuarkusTransaction.requiringNew()
                    .call(() -> transactions.findById(transactionOf(announced.batchId()).txId).finalizedAt) != null);
        }
    }

    @Test
    void aNonceTheWriterLostIsFilledSoLaterTransactionsAreMined() throws Exception {
        Anvil anvil = ThrowawayChain.anvil;
        try (EventBus bus = new EventBus(clients); EventBus.Reader anchorTopic = bus.readerAtEnd(Topics.ANCHOR)) {
            // What a chain that lost two of the writer's transactions leaves behind: the writer's next nonce
            // two above the chain's count, with nothing on record for the two nonces in between.
            long chainNonce = chain.latestNonce();
            QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                    "INSERT INTO writer_nonce (from_address, next_nonce) VALUES (?2, ?1)"
                            + " ON DUPLICATE KEY UPDATE next_nonce = ?1")
                    .setParameter(1, chainNonce + 2).setParameter(2, chain.writerAddress()).executeUpdate());
            UUID recordId = publishRecord(bus);
            List<BatchAnchored> anchored = AnchoringTest.awaitAnchored(anchorTopic, anvil, List.of(recordId));
            assertEquals(1, anchored.size());
            ChainTransaction anchor = transactionOf(anchored.get(0).batchId());
            assertEquals(chainNonce + 2, anchor.nonce, "the anchor took the nonce on record");
            for (long nonce = chainNonce; nonce < chainNonce + 2; nonce++) {
                long n = nonce;
                ChainTransaction fill = QuarkusTransaction.requiringNew()
                        .call(() -> transactions.withNonce(chain.writerAddress(), n).orElseThrow());
                assertEquals(ChainTransaction.Purpose.NONCE_FILL, fill.purpose());
                assertNotEquals(ChainTransaction.FAILED, fill.status, "nonce " + n + " filled on chain");
            }
            assertEquals(chainNonce + 3, chain.latestNonce());
        }
    }

    private static BatchAnchored batchOf(List<BatchAnchored> batches, UUID id) {
        return batches.stream().filter(b -> b.recordIds().contains(id)).findFirst().orElseThrow();
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

    private ChainTransaction transactionOf(UUID batchId) {
        return QuarkusTransaction.requiringNew()
                .call(() -> transactions.findById(em.find(MerkleBatch.class, batchId).chainTxId));
    }
}
