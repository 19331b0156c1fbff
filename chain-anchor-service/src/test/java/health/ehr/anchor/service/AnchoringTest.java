package health.ehr.anchor.service;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.ehr.anchor.client.ChainClient;
import health.ehr.anchor.service.MerkleTree.Position;
import health.ehr.anchor.testing.EventBus;
import health.ehr.anchor.testing.TestChain;
import health.ehr.events.CloudEvent;
import health.ehr.events.EventData;
import health.ehr.events.Topics;
import health.ehr.events.anchor.BatchAnchored;
import health.ehr.events.records.AuditHeadSealed;
import health.ehr.events.records.RecordStored;
import health.ehr.support.messaging.KafkaClients;
import health.ehr.support.testing.Anvil;
import health.ehr.support.testing.LocalStack;
import health.ehr.support.testing.Poll;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import health.ehr.anchor.testing.ConsumerWarmup;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tuples.generated.Tuple3;

/**
 * Anchoring end to end against the local stack's Kafka, MariaDB, anvil and Keycloak: RecordStored
 * and AuditHeadSealed events become leaves, a batch's root is anchored in AnchorRegistry, every
 * proof folds to the on-chain root, BatchAnchored is published after the confirmation depth, and a
 * redelivered event anchors nothing twice.
 */
@QuarkusTest
@WithTestResource(TestChain.class)
class AnchoringTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Inject
    KafkaClients clients;
    @Inject
    EntityManager em;
    @Inject
    ChainClient chain;

    @BeforeEach
    void consumerReady() throws Exception {
        ConsumerWarmup.ensure(clients, em);
    }

    @Test
    void recordsAreAnchoredOnceAndEveryProofFoldsToTheRootOnChain() throws Exception {
        Map<UUID, byte[]> hashes = new HashMap<>();
        List<CloudEvent<RecordStored>> sent = new ArrayList<>();
        try (EventBus bus = new EventBus(clients); EventBus.Reader anchorTopic = bus.readerAtEnd(Topics.ANCHOR);
                Anvil anvil = Anvil.shared()) {
            UUID patient = UUID.randomUUID();
            for (int i = 0; i < 7; i++) {
                byte[] sha = randomHash();
                UUID recordId = UUID.randomUUID();
                hashes.put(recordId, sha);
                sent.add(bus.publish(new RecordStored(recordId, patient, UUID.randomUUID(), hex(sha), 100 + i,
                        "LAB_RESULT", Instant.now())));
            }
            UUID sealId = UUID.randomUUID();
            byte[] head = randomHash();
            hashes.put(sealId, head);
            bus.publish(new AuditHeadSealed(sealId, patient, hex(head), 12, Instant.now()));
            // Redelivery of the same event, and a second event about the same record: nothing new.
            bus.publish(sent.get(0));
            RecordStored first = sent.get(1).data();
            bus.publish(new RecordStored(first.recordId(), patient, first.authorId(), hex(randomHash()), 1,
                    "LAB_RESULT", Instant.now()));

            List<BatchAnchored> batches = awaitAnchored(anchorTopic, anvil, hashes.keySet());

            List<UUID> announced = batches.stream().flatMap(b -> b.recordIds().stream())
                    .filter(hashes::containsKey).toList();
            assertEquals(hashes.size(), announced.size(), "each record announced exactly once: " + announced);
            String serviceToken = LocalStack.clientToken("chain-anchor-service",
                    LocalStack.localServiceSecret("chain-anchor-service"));

            for (BatchAnchored batch : batches) {
                Tuple3<BigInteger, BigInteger, BigInteger> onChain =
                        chain.anchoredAt(MerkleTree.fromHex(batch.merkleRoot()));
                assertEquals(BigInteger.valueOf(batch.leafCount()), onChain.component3(), "leaf count on chain");
                assertEquals(BigInteger.valueOf(batch.blockNumber()), onChain.component2(), "anchor block");
                TransactionReceipt receipt = anvil.web3j().ethGetTransactionReceipt(batch.transactionHash()).send()
                        .getTransactionReceipt().orElseThrow();
                assertTrue(receipt.isStatusOK());
                // 2 confirmations: the including block and one on top.
                assertTrue(anvil.blockNumber() - batch.blockNumber() >= 1, "announced only after 2 confirmations");
            }

            for (Map.Entry<UUID, byte[]> entry : hashes.entrySet()) {
                JsonPath proof = given().auth().oauth2(serviceToken)
                        .get("/api/anchors/proofs/" + entry.getKey())
                        .then().statusCode(200).extract().jsonPath();
                byte[] leaf = MerkleTree.leaf(entry.getKey(), entry.getValue());
                assertEquals("ANCHORED", proof.getString("status"));
                assertEquals(MerkleTree.toHex(leaf), proof.getString("leaf"));
                List<MerkleTree.ProofStep> steps = new ArrayList<>();
                for (Map<String, String> step : proof.<Map<String, String>>getList("proof")) {
                    steps.add(new MerkleTree.ProofStep("left".equals(step.get("position")) ? Position.LEFT
                            : Position.RIGHT, MerkleTree.fromHex(step.get("hash"))));
                }
                byte[] root = MerkleTree.fold(leaf, steps);
                assertEquals(proof.getString("merkleRoot"), MerkleTree.toHex(root));
                assertTrue(chain.anchoredAt(root).component3().signum() > 0, "the folded root is anchored on chain");
                assertEquals(31337, proof.getLong("chainId"));
                assertEquals(chain.anchorRegistry(), proof.getString("contractAddress"));
                assertNotNull(proof.getString("transactionHash"));
                assertNotNull(proof.getString("anchoredAt"));
                BatchAnchored batch = batches.stream().filter(b -> b.recordIds().contains(entry.getKey())).findFirst()
                        .orElseThrow();
                assertEquals(batch.batchId().toString(), proof.getString("batchId"));
                assertEquals(batch.blockNumber(), proof.getLong("blockNumber"));
            }

            // The first hash of the record stands: the second event about it changed nothing.
            String stored = QuarkusTransaction.requiringNew().call(() -> (String) em.createNativeQuery(
                    "SELECT content_hash FROM anchor_leaf WHERE record_id = UNHEX(REPLACE(?1, '-', ''))")
                    .setParameter(1, first.recordId().toString()).getSingleResult());
            assertEquals(first.sha256(), stored);
            assertArrayEquals(hashes.get(first.recordId()), MerkleTree.fromHex(stored));
        }
    }

    /** Waits for BatchAnchored events covering all {@code ids}, mining a block now and then (anvil automines). */
    static List<BatchAnchored> awaitAnchored(EventBus.Reader reader, Anvil anvil, java.util.Collection<UUID> ids)
            throws Exception {
        List<BatchAnchored> batches = new ArrayList<>();
        List<UUID> seen = new ArrayList<>();
        Poll.until("BatchAnchored for " + ids, DEADLINE, () -> {
            for (CloudEvent<EventData> e : reader.await(e -> e.data() instanceof BatchAnchored b
                    && b.recordIds().stream().anyMatch(ids::contains), 1, Duration.ofMillis(300))) {
                BatchAnchored b = (BatchAnchored) e.data();
                batches.add(b);
                seen.addAll(b.recordIds());
            }
            return seen.containsAll(ids);
        }, () -> anvil.mine(1));
        // Anything announced twice would follow shortly: look once more.
        for (CloudEvent<EventData> e : reader.await(e -> e.data() instanceof BatchAnchored b
                && b.recordIds().stream().anyMatch(ids::contains), 1, Duration.ofSeconds(3))) {
            batches.add((BatchAnchored) e.data());
        }
        return batches;
    }

    static byte[] randomHash() throws Exception {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }

    static String hex(byte[] bytes) {
        return "0x" + HexFormat.of().formatHex(bytes);
    }
}
