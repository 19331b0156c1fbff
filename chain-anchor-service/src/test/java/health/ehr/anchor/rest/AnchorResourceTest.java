package health.ehr.anchor.rest;

import static health.ehr.events.Ids.bytes;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import health.ehr.anchor.MerkleBatch;
import health.ehr.anchor.client.ChainClient;
import health.ehr.anchor.service.MerkleTree;
import health.ehr.anchor.service.TransactionTracker;
import health.ehr.anchor.testing.EventBus;
import health.ehr.anchor.testing.TestChain;
import health.ehr.events.Topics;
import health.ehr.events.anchor.BatchAnchored;
import health.ehr.events.records.RecordStored;
import health.ehr.support.messaging.KafkaClients;
import health.ehr.support.testing.Anvil;
import health.ehr.support.testing.LocalStack;
import health.ehr.support.testing.Poll;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import health.ehr.anchor.testing.ConsumerWarmup;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Anchors API over HTTP with real Keycloak tokens: every role and object check and every 4xx path. */
@QuarkusTest
@WithTestResource(TestChain.class)
class AnchorResourceTest {

    private static final String PROBLEM = "application/problem+json";
    private static String admin;
    private static String auditor;
    private static String service;

    @Inject
    EntityManager em;
    @Inject
    KafkaClients clients;
    @Inject
    TransactionTracker tracker;
    @Inject
    ChainClient chain;

    @BeforeAll
    static void tokens() {
        admin = LocalStack.userToken(LocalStack.ADMIN_EMAIL, LocalStack.ADMIN_PASSWORD);
        auditor = LocalStack.userToken(LocalStack.AUDITOR_EMAIL, LocalStack.AUDITOR_PASSWORD);
        service = LocalStack.clientToken("chain-anchor-service", LocalStack.localServiceSecret("chain-anchor-service"));
    }

    // ---- GET /api/anchors/batches ----

    @BeforeEach
    void consumerReady() throws Exception {
        ConsumerWarmup.ensure(clients, em);
    }

    @Test
    void adminAndAuditorListBatchesNewestFirst() {
        MerkleBatch older = batch(Instant.now().minusSeconds(60));
        MerkleBatch newer = batch(Instant.now());
        for (String token : List.of(admin, auditor)) {
            JsonPath page = given().auth().oauth2(token).queryParam("size", 200)
                    .get("/api/anchors/batches").then().statusCode(200).contentType(ContentType.JSON)
                    .body("page", equalTo(0)).body("size", equalTo(200)).body("total", greaterThan(1))
                    .extract().jsonPath();
            List<String> ids = page.getList("items.batchId");
            int newerAt = ids.indexOf(newer.batchId.toString());
            int olderAt = ids.indexOf(older.batchId.toString());
            assertEquals(true, newerAt >= 0 && olderAt > newerAt, "newest first: " + ids);
        }
        given().auth().oauth2(admin).queryParam("size", 1).get("/api/anchors/batches")
                .then().statusCode(200).body("items.size()", equalTo(1))
                .body("items[0].keySet()", everyItem(notNullValue()))
                .body("items[0]", org.hamcrest.Matchers.hasKey("merkleRoot"))
                .body("items[0]", org.hamcrest.Matchers.hasKey("gasUsed"));
    }

    @Test
    void listingBatchesNeedsAToken() {
        given().get("/api/anchors/batches").then().statusCode(401).contentType(PROBLEM)
                .header("WWW-Authenticate", startsWith("Bearer")).body("status", equalTo(401));
        given().auth().oauth2("not-a-jwt").get("/api/anchors/batches").then().statusCode(401).contentType(PROBLEM);
    }

    @Test
    void listingBatchesIsForAdminsAndAuditorsOnly() {
        given().auth().oauth2(service).get("/api/anchors/batches").then().statusCode(403).contentType(PROBLEM)
                .body("status", equalTo(403));
    }

    @Test
    void aPageSizeOutOfRangeIsAValidationProblem() {
        given().auth().oauth2(admin).queryParam("size", 201).get("/api/anchors/batches")
                .then().statusCode(400).contentType(PROBLEM).body("errors.field", hasItem("size"));
        given().auth().oauth2(admin).queryParam("page", -1).get("/api/anchors/batches")
                .then().statusCode(400).contentType(PROBLEM).body("errors.field", hasItem("page"));
    }

    // ---- GET /api/anchors/batches/{batchId} ----

    @Test
    void oneBatchByIdForAdminAndAuditor() {
        MerkleBatch b = batch(Instant.now());
        for (String token : List.of(admin, auditor)) {
            given().auth().oauth2(token).get("/api/anchors/batches/" + b.batchId).then().statusCode(200)
                    .body("batchId", equalTo(b.batchId.toString())).body("merkleRoot", equalTo(b.merkleRoot))
                    .body("leafCount", equalTo(3)).body("status", equalTo("ANCHORED"))
                    .body("transactionHash", equalTo(b.transactionHash)).body("blockNumber", equalTo(7))
                    .body("gasUsed", equalTo(48890)).body("createdAt", notNullValue())
                    .body("anchoredAt", notNullValue());
        }
    }

    @Test
    void anUnknownBatchIs404AndAMalformedIdIs400() {
        given().auth().oauth2(admin).get("/api/anchors/batches/" + UUID.randomUUID()).then().statusCode(404)
                .contentType(PROBLEM).body("status", equalTo(404));
        given().auth().oauth2(admin).get("/api/anchors/batches/not-a-uuid").then().statusCode(400)
                .contentType(PROBLEM);
        given().get("/api/anchors/batches/" + UUID.randomUUID()).then().statusCode(401).contentType(PROBLEM);
        given().auth().oauth2(service).get("/api/anchors/batches/" + UUID.randomUUID()).then().statusCode(403)
                .contentType(PROBLEM);
    }

    // ---- POST /api/anchors/verify ----

    @Test
    void anyoneVerifiesARealProofAgainstTheChainWithoutAToken() throws Exception {
        UUID recordId = UUID.randomUUID();
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(recordId.toString().getBytes());
        try (EventBus bus = new EventBus(clients); EventBus.Reader anchored = bus.readerAtEnd(Topics.ANCHOR);
                Anvil anvil = Anvil.shared()) {
            bus.publish(new RecordStored(recordId, UUID.randomUUID(), UUID.randomUUID(), hex(sha), 5, "OTHER",
                    Instant.now()));
            BatchAnchored batch = health.ehr.anchor.service.AnchoringTestAccess.awaitAnchored(anchored, anvil,
                    List.of(recordId)).get(0);
            JsonPath proof = given().auth().oauth2(service).get("/api/anchors/proofs/" + recordId)
                    .then().statusCode(200).extract().jsonPath();
            Map<String, Object> body = Map.of("leaf", proof.getString("leaf"), "proof", proof.getList("proof"),
                    "merkleRoot", proof.getString("merkleRoot"));

            given().contentType(ContentType.JSON).body(body).post("/api/anchors/verify").then().statusCode(200)
                    .body("valid", equalTo(true)).body("anchored", equalTo(true))
                    .body("blockNumber", equalTo((int) batch.blockNumber()))
                    .body("transactionHash", equalTo(batch.transactionHash()));

            String tampered = MerkleTree.toHex(MerkleTree.leaf(recordId, new byte[32]));
            given().contentType(ContentType.JSON).body(Map.of("leaf", tampered, "proof", proof.getList("proof"),
                    "merkleRoot", proof.getString("merkleRoot"))).post("/api/anchors/verify")
                    .then().statusCode(200).body("valid", equalTo(false)).body("anchored", equalTo(true));
        }
    }

    @Test
    void aRootThatIsNotOnChainIsNotAnchored() {
        byte[] leaf = MerkleTree.leaf(UUID.randomUUID(), new byte[32]);
        given().contentType(ContentType.JSON)
                .body(Map.of("leaf", MerkleTree.toHex(leaf), "proof", List.of(), "merkleRoot", MerkleTree.toHex(leaf)))
                .post("/api/anchors/verify").then().statusCode(200)
                .body("valid", equalTo(true)).body("anchored", equalTo(false))
                .body("blockNumber", nullValue()).body("transactionHash", nullValue());
    }

    @Test
    void malformedVerifyRequestsAreProblems() {
        String hash = "0x" + "ab".repeat(32);
        given().contentType(ContentType.JSON).body(Map.of("leaf", "0x1234", "proof", List.of(), "merkleRoot", hash))
                .post("/api/anchors/verify").then().statusCode(400).contentType(PROBLEM)
                .body("errors.field", hasItem("leaf"));
        given().contentType(ContentType.JSON).body(Map.of("leaf", hash, "proof",
                        List.of(Map.of("position", "up", "hash", hash)), "merkleRoot", hash))
                .post("/api/anchors/verify").then().statusCode(400).contentType(PROBLEM)
                .body("errors.field", hasItem(startsWith("proof")));
        given().contentType(ContentType.JSON).body(Map.of("leaf", hash))
                .post("/api/anchors/verify").then().statusCode(400).contentType(PROBLEM)
                .body("errors.field", hasItem("merkleRoot"));
        given().contentType(ContentType.JSON).body("{\"leaf\": ").post("/api/anchors/verify")
                .then().statusCode(400).contentType(PROBLEM);
        given().contentType(ContentType.JSON).post("/api/anchors/verify").then().statusCode(400).contentType(PROBLEM);
        given().contentType(ContentType.TEXT).body("hello").post("/api/anchors/verify")
                .then().statusCode(415).contentType(PROBLEM);
        given().get("/api/anchors/verify").then().statusCode(405).contentType(PROBLEM);
    }

    // ---- GET /api/anchors/chain ----

    @Test
    void adminAndAuditorSeeTheChain() {
        for (String token : List.of(admin, auditor)) {
            given().auth().oauth2(token).get("/api/anchors/chain").then().statusCode(200)
                    .body("chainId", equalTo(31337)).body("blockNumber", greaterThan(0))
                    .body("writerAddress", equalTo(TestChain.ACCOUNT_8))
                    .body("balanceWei", notNullValue()).body("pendingTransactions", notNullValue())
                    .body("contracts.anchorRegistry", equalTo(chain.anchorRegistry()))
                    .body("contracts.patientRegistry", equalTo(chain.patientRegistry()))
                    .body("contracts.consentRegistry", equalTo(chain.consentRegistry()));
        }
        given().get("/api/anchors/chain").then().statusCode(401).contentType(PROBLEM);
        given().auth().oauth2(service).get("/api/anchors/chain").then().statusCode(403).contentType(PROBLEM);
    }

    // ---- GET /api/anchors/proofs/{recordId} (internal) ----

    @Test
    void aProofIsPendingUntilItsBatchIsFinal() throws Exception {
        UUID recordId = UUID.randomUUID();
        tracker.pause();
        try (EventBus bus = new EventBus(clients)) {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(new byte[] {1, 2, 3});
            bus.publish(new RecordStored(recordId, UUID.randomUUID(), UUID.randomUUID(), hex(sha), 3, "OTHER",
                    Instant.now()));
            Poll.until("the leaf is known", Duration.ofSeconds(30), () -> given().auth().oauth2(service)
                    .get("/api/anchors/proofs/" + recordId).statusCode() == 200);
            given().auth().oauth2(service).get("/api/anchors/proofs/" + recordId).then().statusCode(200)
                    .body("recordId", equalTo(recordId.toString())).body("status", equalTo("PENDING"))
                    .body("leaf", equalTo(MerkleTree.toHex(MerkleTree.leaf(recordId, sha))))
                    .body("transactionHash", nullValue()).body("blockNumber", nullValue())
                    .body("anchoredAt", nullValue()).body("chainId", equalTo(31337))
                    .body("contractAddress", equalTo(chain.anchorRegistry()));
        } finally {
            tracker.resume();
        }
    }

    @Test
    void aBatchClosedBeforeLeavesWereStoredServesItsStoredProof() {
        // Batches closed before migration V3 have no stored leaves, only one anchor_proof row per leaf.
        UUID recordId = UUID.randomUUID();
        byte[] sha = new byte[32];
        sha[0] = 7;
        byte[] leaf = MerkleTree.leaf(recordId, sha);
        MerkleTree tree = MerkleTree.build(List.of(MerkleTree.leaf(UUID.randomUUID(), sha), leaf,
                MerkleTree.leaf(UUID.randomUUID(), sha)));
        MerkleBatch b = batch(Instant.now().minusSeconds(3600));
        b.merkleRoot = MerkleTree.toHex(tree.root());
        QuarkusTransaction.requiringNew().run(() -> em.merge(b));
        List<MerkleTree.ProofStep> steps = tree.proof(1);
        String proofJson = steps.stream().map(st -> "{\"position\":\"" + st.position().apiValue()
                + "\",\"hash\":\"" + st.hex() + "\"}").collect(java.util.stream.Collectors.joining(",", "[", "]"));
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("INSERT INTO anchor_leaf (record_id, kind, patient_id, content_hash, leaf, event_time,"
                            + " received_at, batch_id) VALUES (?1, 'RECORD', NULL, ?2, ?3, ?4, ?4, ?5)")
                    .setParameter(1, bytes(recordId)).setParameter(2, hex(sha)).setParameter(3, MerkleTree.toHex(leaf))
                    .setParameter(4, Instant.now().minusSeconds(3600)).setParameter(5, bytes(b.batchId))
                    .executeUpdate();
            em.createNativeQuery("INSERT INTO anchor_proof (record_id, batch_id, leaf_index, proof)"
                            + " VALUES (?1, ?2, 1, ?3)")
                    .setParameter(1, bytes(recordId)).setParameter(2, bytes(b.batchId)).setParameter(3, proofJson)
                    .executeUpdate();
        });

        JsonPath proof = given().auth().oauth2(service).get("/api/anchors/proofs/" + recordId).then().statusCode(200)
                .body("status", equalTo("ANCHORED")).body("merkleRoot", equalTo(b.merkleRoot))
                .body("batchId", equalTo(b.batchId.toString())).extract().jsonPath();
        List<Map<String, String>> served = proof.getList("proof");
        assertEquals(steps.size(), served.size());
        for (int i = 0; i < steps.size(); i++) {
            assertEquals(steps.get(i).position().apiValue(), served.get(i).get("position"));
            assertEquals(steps.get(i).hex(), served.get(i).get("hash"));
        }
        List<MerkleTree.ProofStep> folded = served.stream().map(st -> new MerkleTree.ProofStep(
                "left".equals(st.get("position")) ? MerkleTree.Position.LEFT : MerkleTree.Position.RIGHT,
                MerkleTree.fromHex(st.get("hash")))).toList();
        assertEquals(true, MerkleTree.verify(leaf, folded, MerkleTree.fromHex(b.merkleRoot)),
                "the served proof folds to the batch's root");
    }

    @Test
    void proofsAreForPlatformServicesOnly() {
        given().get("/api/anchors/proofs/" + UUID.randomUUID()).then().statusCode(401).contentType(PROBLEM);
        given().auth().oauth2(admin).get("/api/anchors/proofs/" + UUID.randomUUID()).then().statusCode(403)
                .contentType(PROBLEM);
        given().auth().oauth2(auditor).get("/api/anchors/proofs/" + UUID.randomUUID()).then().statusCode(403)
                .contentType(PROBLEM);
        given().auth().oauth2(service).get("/api/anchors/proofs/" + UUID.randomUUID()).then().statusCode(404)
                .contentType(PROBLEM);
        given().auth().oauth2(service).get("/api/anchors/proofs/nope").then().statusCode(400).contentType(PROBLEM);
    }

    @Test
    void theOpenApiDocumentListsTheAnchorsApi() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.keySet()", hasItem("/api/anchors/batches"))
                .body("paths.keySet()", hasItem("/api/anchors/batches/{batchId}"))
                .body("paths.keySet()", hasItem("/api/anchors/verify"))
                .body("paths.keySet()", hasItem("/api/anchors/chain"))
                .body("paths.keySet()", hasItem("/api/anchors/proofs/{recordId}"));
    }

    @Test
    void prometheusShowsTheAnchoringMetrics() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String name : List.of("ehr_anchor_batch_leaves", "ehr_anchor_batch_gas", "ehr_anchor_record_gas",
                "ehr_anchor_latency_seconds", "ehr_chain_transactions_pending", "ehr_chain_writer_balance_wei")) {
            org.junit.jupiter.api.Assertions.assertTrue(metrics.contains(name), name + " in /q/metrics");
        }
    }

    private MerkleBatch batch(Instant createdAt) {
        MerkleBatch b = new MerkleBatch();
        b.batchId = UUID.randomUUID();
        b.merkleRoot = hex(new byte[] {(byte) 0xaa}) + "00".repeat(31);
        b.leafCount = 3;
        b.status = MerkleBatch.Status.ANCHORED;
        b.transactionHash = "0x" + "12".repeat(32);
        b.blockNumber = 7L;
        b.gasUsed = 48890L;
        b.createdAt = createdAt;
        b.anchoredAt = createdAt;
        QuarkusTransaction.requiringNew().run(() -> em.persist(b));
        return b;
    }

    private static String hex(byte[] b) {
        return "0x" + HexFormat.of().formatHex(b);
    }
}
