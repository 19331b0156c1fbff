package health.ehr.anchor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.ehr.anchor.ChainTransaction;
import health.ehr.anchor.MerkleBatch;
import health.ehr.anchor.client.ChainClient;
import health.ehr.anchor.repository.ChainTransactionRepository;
import health.ehr.anchor.testing.EventBus;
import health.ehr.anchor.testing.TestChain;
import health.ehr.events.Ids;
import health.ehr.events.Topics;
import health.ehr.events.anchor.BatchAnchored;
import health.ehr.events.records.RecordStored;
import health.ehr.support.messaging.KafkaClients;
import health.ehr.support.testing.Anvil;
import health.ehr.support.testing.Poll;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import health.ehr.anchor.testing.ConsumerWarmup;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * The writer's restart safety, with the database as its only memory: a transaction persisted but
 * never sent (the process died between commit and broadcast) goes out exactly once when tracking
 * resumes, and one that was sent but whose SENT mark was lost is recognised by its hash instead of
 * being sent again. Nonces come from the database in order, without gaps or repeats.
 */
@QuarkusTest
@WithTestResource(TestChain.class)
class ChainWriterTest {

    @Inject
    KafkaClients clients;
    @Inject
    TransactionTracker tracker;
    @Inject
    ChainTransactionRepository transactions;
    @Inject
    ChainClient chain;
    @Inject
    EntityManager em;

    @AfterEach
    void resume() {
        tracker.resume();
    }

    @BeforeEach
    void consumerReady() throws Exception {
        ConsumerWarmup.ensure(clients, em);
    }

    @Test
    void aTransactionPersistedButNeverSentGoesOutExactlyOnceAfterARestart() throws Exception {
        try (EventBus bus = new EventBus(clients); EventBus.Reader anchorTopic = bus.readerAtEnd(Topics.ANCHOR);
                Anvil anvil = Anvil.shared()) {
            tracker.pause(); // the "crash": nothing is broadcast from here on
            UUID recordId = UUID.randomUUID();
            bus.publish(new RecordStored(recordId, UUID.randomUUID(), UUID.randomUUID(),
                    AnchoringTest.hex(AnchoringTest.randomHash()), 1, "OTHER", Instant.now()));

            ChainTransaction signed = awaitTransactionOf(recordId, ChainTransaction.SIGNED);
            long nonceBefore = accountNonce(anvil);
            assertTrue(anvil.web3j().ethGetTransactionByHash(signed.txHash).send().getTransaction().isEmpty(),
                    "persisted, not broadcast");
            assertTrue(signed.nonce >= nonceBefore, "the persisted nonce is not used on chain yet");

            tracker.resume(); // the "restart": only the database tells what to do
            List<BatchAnchored> anchored = AnchoringTest.awaitAnchored(anchorTopic, anvil, List.of(recordId));

            assertEquals(1, anchored.size());
            assertEquals(signed.txHash, anchored.get(0).transactionHash(), "the persisted signature is what got mined");
            ChainTransaction after = reload(signed.txId);
            assertEquals(ChainTransaction.CONFIRMED, after.status);
            assertEquals(signed.nonce, after.nonce);
            assertEquals(1, countTransactionsWithNonce(signed.nonce), "one transaction per nonce");
        }
    }

    @Test
    void aSentTransactionWhoseSentMarkWasLostIsRecognisedNotSentAgain() throws Exception {
        try (EventBus bus = new EventBus(clients); EventBus.Reader anchorTopic = bus.readerAtEnd(Topics.ANCHOR);
                Anvil anvil = Anvil.shared()) {
            tracker.pause();
            UUID recordId = UUID.randomUUID();
            bus.publish(new RecordStored(recordId, UUID.randomUUID(), UUID.randomUUID(),
                    AnchoringTest.hex(AnchoringTest.randomHash()), 1, "OTHER", Instant.now()));
            ChainTransaction signed = awaitTransactionOf(recordId, ChainTransaction.SIGNED);
            // Broadcast behind the writer's back, as if it had died right after sending: mined at once.
            assertTrue(anvil.web3j().ethSendRawTransaction(signed.rawTx).send().getError() == null);
            long nonceAfterSend = accountNonce(anvil);

            tracker.resume();
            List<BatchAnchored> anchored = AnchoringTest.awaitAnchored(anchorTopic, anvil, List.of(recordId));

            assertEquals(1, anchored.size());
            assertEquals(signed.txHash, anchored.get(0).transactionHash());
            ChainTransaction after = reload(signed.txId);
            assertEquals(ChainTransaction.CONFIRMED, after.status);
            assertTrue(accountNonce(anvil) >= nonceAfterSend);
            assertEquals(1, countTransactionsWithNonce(signed.nonce));
        }
    }

    @Test
    void noncesOnRecordAreContiguousAndUnique() throws Exception {
        @SuppressWarnings("unchecked")
        List<Number> nonces = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "SELECT nonce FROM chain_tx ORDER BY nonce").getResultList());
        for (int i = 1; i < nonces.size(); i++) {
            assertEquals(nonces.get(i - 1).longValue() + 1, nonces.get(i).longValue(), "nonces " + nonces);
        }
        long next = QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "SELECT next_nonce FROM writer_nonce").getSingleResult()).longValue());
        if (!nonces.isEmpty()) {
            assertEquals(nonces.get(nonces.size() - 1).longValue() + 1, next);
        }
    }

    private ChainTransaction awaitTransactionOf(UUID recordId, String status) throws Exception {
        ChainTransaction[] found = new ChainTransaction[1];
        Poll.until("a " + status + " anchor transaction for " + recordId, Duration.ofSeconds(30), () -> {
            found[0] = QuarkusTransaction.requiringNew().call(() -> {
                @SuppressWarnings("unchecked")
                List<byte[]> ids = em.createNativeQuery("SELECT t.tx_id FROM chain_tx t"
                                + " JOIN anchor_leaf l ON l.batch_id = t.subject_id WHERE l.record_id = ?1")
                        .setParameter(1, Ids.bytes(recordId)).getResultList();
                return ids.isEmpty() ? null : transactions.findById(Ids.uuid(ids.get(0)));
            });
            return found[0] != null && status.equals(found[0].status);
        });
        MerkleBatch batch = QuarkusTransaction.requiringNew().call(() -> em.find(MerkleBatch.class,
                found[0].subjectId));
        assertEquals(found[0].txId, batch.chainTxId);
        return found[0];
    }

    private ChainTransaction reload(UUID txId) {
        return QuarkusTransaction.requiringNew().call(() -> transactions.findById(txId));
    }

    private long countTransactionsWithNonce(long nonce) {
        return QuarkusTransaction.requiringNew().call(() -> transactions.count("nonce", nonce));
    }

    private static long accountNonce(Anvil anvil) throws Exception {
        return anvil.web3j().ethGetTransactionCount(TestChain.ACCOUNT_8, DefaultBlockParameterName.LATEST).send()
                .getTransactionCount().longValueExact();
    }
}
