package health.ehr.anchor.service;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.ehr.anchor.client.ChainClient;
import health.ehr.anchor.testing.ConsumerWarmup;
import health.ehr.anchor.testing.EventBus;
import health.ehr.anchor.testing.TestChain;
import health.ehr.anchor.testing.ThrowawayChain;
import health.ehr.anchor.testing.ThrowawayChainProfile;
import health.ehr.contracts.ContractDeployer;
import health.ehr.events.CloudEvent;
import health.ehr.events.EventData;
import health.ehr.events.Topics;
import health.ehr.events.anchor.BatchAnchorWithdrawn;
import health.ehr.events.anchor.BatchAnchored;
import health.ehr.events.records.RecordStored;
import health.ehr.support.messaging.KafkaClients;
import health.ehr.support.rest.DomainException;
import health.ehr.support.testing.Anvil;
import health.ehr.support.testing.LocalStack;
import health.ehr.support.testing.Poll;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A chain replaced under a kept database (a test network reset; the same contracts deployed again at
 * the same addresses): the service notices, goes not ready with the reason, serves no proof and writes
 * nothing, until an admin adopts the new chain by its genesis hash; then every record is anchored on
 * the new chain and the old anchors are withdrawn. Its own profile, so its own service and chain.
 */
@QuarkusTest
@TestProfile(ChainReplacementTest.OwnChain.class)
class ChainReplacementTest {

    /** A throwaway chain of this test's own (it replaces that chain). */
    public static class OwnChain extends ThrowawayChainProfile {
    }

    @Inject
    KafkaClients clients;
    @Inject
    EntityManager em;
    @Inject
    ChainClient chain;
    @Inject
    AnchorQueries queries;

    @BeforeEach
    void consumerReady() throws Exception {
        ConsumerWarmup.ensure(clients, em);
    }

    @Test
    void aReplacedChainIsRefusedUntilAnAdminAdoptsItThenEveryRecordIsAnchoredOnIt() throws Exception {
        Anvil anvil = ThrowawayChain.anvil;
        String admin = LocalStack.userToken(LocalStack.ADMIN_EMAIL, LocalStack.ADMIN_PASSWORD);
        try (EventBus bus = new EventBus(clients); EventBus.Reader anchorTopic = bus.readerAtEnd(Topics.ANCHOR)) {
            UUID recordId = publishRecord(bus);
            BatchAnchored announced = AnchoringTest.awaitAnchored(anchorTopic, anvil, List.of(recordId)).get(0);
            String oldGenesis = anvil.genesisHash();

            anvil.replaceChain();
            Instant replacedAt = Instant.now();
            Poll.until("no proof served against the replaced chain", Duration.ofSeconds(30), () -> {
                try {
                    queries.proof(recordId);
                    return false;
                } catch (DomainException e) {
                    return e.status().getStatusCode() == 503;
                }
            });
            System.out.printf("ChainReplacementTest: proofs refused %d ms after the chain was replaced%n",
                    Duration.between(replacedAt, Instant.now()).toMillis());
            List<CloudEvent<EventData>> withdrawnAtOnce = anchorTopic.await(e -> e.data()
                    instanceof BatchAnchorWithdrawn w && w.batchId().equals(announced.batchId()), 1,
                    Duration.ofSeconds(10));
            assertEquals(1, withdrawnAtOnce.size(), "the anchor is withdrawn as soon as the other chain is seen");
            ContractDeployer.Deployment again = TestChain.deploy(anvil.url());
            assertEquals(chain.anchorRegistry(), again.anchorRegistry().toLowerCase(),
                    "the same deployer deploys the same contracts at the same addresses on the new chain");
            String newGenesis = anvil.genesisHash();
            assertNotEquals(oldGenesis, newGenesis);

            Poll.until("readiness DOWN for the replaced chain", Duration.ofSeconds(30),
                    () -> given().get("/q/health/ready").statusCode() == 503);
            given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'Chain identity' }.status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'Chain identity' }.data.error", containsString(newGenesis));
            DomainException refused = assertThrows(DomainException.class, () -> queries.proof(recordId));
            assertEquals(503, refused.status().getStatusCode(), "still no proof once the contracts are back");
            UUID meanwhile = publishRecord(bus);

            given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("genesisHash", oldGenesis))
                    .post("/api/anchors/chain/adopt").then().statusCode(409)
                    .contentType("application/problem+json");
            given().contentType(ContentType.JSON).body(Map.of("genesisHash", newGenesis))
                    .post("/api/anchors/chain/adopt").then().statusCode(401);
            given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("genesisHash", "0x12"))
                    .post("/api/anchors/chain/adopt").then().statusCode(400);
            Instant adoptedAt = Instant.now();
            given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("genesisHash", newGenesis))
                    .post("/api/anchors/chain/adopt").then().statusCode(200)
                    .body("genesisHash", equalTo(newGenesis)).body("replacedGenesisHash", equalTo(oldGenesis))
                    .body("anchorsWithdrawn", greaterThanOrEqualTo(1)).body("leavesToAnchor", greaterThanOrEqualTo(1));
            given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("genesisHash", newGenesis))
                    .post("/api/anchors/chain/adopt").then().statusCode(409);

            List<BatchAnchored> onNewChain = AnchoringTest.awaitAnchored(anchorTopic, anvil,
                    List.of(recordId, meanwhile));
            System.out.printf("ChainReplacementTest: every record anchored on the adopted chain %d ms after adoption%n",
                    Duration.between(adoptedAt, Instant.now()).toMillis());
            for (BatchAnchored b : onNewChain) {
                assertNotEquals(announced.batchId(), b.batchId(), "new batches on the new chain");
                assertEquals(BigInteger.valueOf(b.blockNumber()),
                        chain.anchoredAt(MerkleTree.fromHex(b.merkleRoot())).component2(), "on the new chain");
            }
            AnchorViews.Proof proof = queries.proof(recordId);
            assertEquals("ANCHORED", proof.status());
            assertTrue(anvil.web3j().ethGetTransactionReceipt(proof.transactionHash()).send()
                    .getTransactionReceipt().isPresent());
            given().get("/q/health/ready").then().statusCode(200);
        }
    }

    private static UUID publishRecord(EventBus bus) throws Exception {
        UUID recordId = UUID.randomUUID();
        bus.publish(new RecordStored(recordId, UUID.randomUUID(), UUID.randomUUID(),
                AnchoringTest.hex(AnchoringTest.randomHash()), 1, "OTHER", Instant.now()));
        return recordId;
    }
}
