package health.ehr.exchange.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import health.ehr.exchange.ExchangeRequestLog;
import health.ehr.exchange.client.RequestSigner;
import health.ehr.exchange.repository.ExchangeRequestLogRepository;
import health.ehr.exchange.service.OrganizationKeys;
import health.ehr.exchange.testing.TestNetwork;
import health.ehr.exchange.testing.TestNetwork.Peer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

/**
 * The exchange door against a real OrganizationRegistry on the local stack's anvil: a request signed by a
 * member's registered key passes, and every attack is refused with 401 problem+json of its own type and an
 * audit row.
 */
@QuarkusTest
@QuarkusTestResource(value = TestNetwork.class, restrictToAnnotatedClass = true)
class ExchangeDoorTest {

    private static final String PATH = "/exchange/v1/directory/practitioners";
    private static final String URL = TestNetwork.ENDPOINT + "/directory/practitioners";

    @Inject
    ExchangeRequestLogRepository logs;

    @Inject
    OrganizationKeys keys;

    @Test
    void aRequestSignedByARegisteredMemberPassesTheDoor() {
        String party = UUID.randomUUID().toString();
        String jws = TestNetwork.peerB.signer().sign(TestNetwork.selfId, party, "GET", URL + "?query=smith");
        given().header("Authorization", "Bearer " + jws).queryParam("query", "smith")
                .when().get(PATH)
                .then().statusCode(200)
                .body("items.size()", equalTo(0)).body("total", equalTo(0));
        ExchangeRequestLog row = QuarkusTransaction.requiringNew().call(() -> logs.find("partyId", party)
                .singleResult());
        assertEquals("IN", row.direction);
        assertEquals("ACCEPTED", row.outcome);
        assertEquals(TestNetwork.peerB.organizationId(), row.peerOrganizationId);
        assertEquals(PATH, row.path);
    }

    @Test
    void aRequestWithoutAuthorizationIsRefused() {
        refused(given().when().get(PATH), "exchange-unsigned");
    }

    @Test
    void aBearerThatIsNotAJwsIsRefused() {
        refused(given().header("Authorization", "Bearer not-a-jws").when().get(PATH), "exchange-malformed");
    }

    @Test
    void algNoneIsRefused() {
        String header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"" + RequestSigner.TYPE + "\"}").toString();
        String signed = TestNetwork.peerB.signer().sign(TestNetwork.selfId, "p", "GET", URL);
        String payload = signed.split("\\.")[1];
        refused(given().header("Authorization", "Bearer " + header + "." + payload + ".").when().get(PATH),
                "exchange-algorithm-refused");
    }

    @Test
    void hs256WithThePublicKeyAsSecretIsRefused() throws Exception {
        Peer b = TestNetwork.peerB;
        byte[] publicKey = b.ecKey().toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256)
                .type(new JOSEObjectType(RequestSigner.TYPE)).build(),
                SignedJWT.parse(b.signer().sign(TestNetwork.selfId, "p", "GET", URL)).getJWTClaimsSet());
        jwt.sign(new MACSigner(publicKey));
        refused(given().header("Authorization", "Bearer " + jwt.serialize()).when().get(PATH),
                "exchange-algorithm-refused");
    }

    @Test
    void aValidSignatureByAKeyNotRegisteredForTheIssuerIsRefused() throws Exception {
        Peer impostor = new Peer(TestNetwork.peerB.organizationId(), Keys.createEcKeyPair().getPrivateKey());
        String jws = impostor.signer().sign(TestNetwork.selfId, "p", "GET", URL);
        refused(given().header("Authorization", "Bearer " + jws).when().get(PATH), "exchange-key-not-registered");
    }

    @Test
    void aRequestForAnotherOrganisationIsRefused() {
        String other = "0x" + "ab".repeat(32);
        String jws = TestNetwork.peerB.signer().sign(other, "p", "GET", URL);
        refused(given().header("Authorization", "Bearer " + jws).when().get(PATH), "exchange-wrong-audience");
    }

    @Test
    void anExpiredRequestIsRefused() {
        Instant now = Instant.now();
        refused(send(claims(now.minusSeconds(200), now.minusSeconds(100), "GET", URL)), "exchange-expired");
    }

    @Test
    void aRequestLivingLongerThanFiveMinutesIsRefused() {
        Instant now = Instant.now();
        refused(send(claims(now, now.plusSeconds(301), "GET", URL)), "exchange-lifetime-too-long");
    }

    @Test
    void aRequestIssuedInTheFutureIsRefused() {
        Instant now = Instant.now();
        refused(send(claims(now.plusSeconds(120), now.plusSeconds(180), "GET", URL)), "exchange-not-yet-valid");
    }

    @Test
    void aReplayedRequestIsRefused() {
        String jws = TestNetwork.peerB.signer().sign(TestNetwork.selfId, "p", "GET", URL);
        given().header("Authorization", "Bearer " + jws).when().get(PATH).then().statusCode(200);
        refused(given().header("Authorization", "Bearer " + jws).when().get(PATH), "exchange-replayed");
    }

    @Test
    void aRequestSignedForAnotherMethodOrUrlIsRefused() {
        Instant now = Instant.now();
        refused(send(claims(now, now.plusSeconds(60), "POST", URL)), "exchange-method-mismatch");
        refused(send(claims(now, now.plusSeconds(60), "GET", TestNetwork.ENDPOINT + "/directory/clinics")),
                "exchange-url-mismatch");
        refused(send(claims(now, now.plusSeconds(60), "GET", "http://localhost:8080" + PATH)),
                "exchange-url-mismatch");
    }

    @Test
    void aSuspendedOrganisationIsRefused() throws Exception {
        Peer c = TestNetwork.admitPeer("Hospital C (test)");
        String before = c.signer().sign(TestNetwork.selfId, "p", "GET", URL);
        given().header("Authorization", "Bearer " + before).when().get(PATH).then().statusCode(200);
        TestNetwork.suspend(c.organizationId());
        String after = c.signer().sign(TestNetwork.selfId, "p", "GET", URL);
        refused(given().header("Authorization", "Bearer " + after).when().get(PATH),
                "exchange-organization-suspended");
    }

    @Test
    void anUnknownIssuerIsRefused() throws Exception {
        Peer stranger = new Peer("0x" + "cd".repeat(32), Keys.createEcKeyPair().getPrivateKey());
        String jws = stranger.signer().sign(TestNetwork.selfId, "p", "GET", URL);
        refused(given().header("Authorization", "Bearer " + jws).when().get(PATH), "exchange-unknown-organization");
    }

    @Test
    void aRotatedOutSignerVerifiesOnlyForRequestsSignedBeforeTheRotation() throws Exception {
        Peer d = TestNetwork.admitPeer("Hospital D (test)");
        Instant signedBefore = Instant.ofEpochSecond(TestNetwork.latestBlockTime()).minusSeconds(5);
        String old = d.signer().sign(claimsOf(d, signedBefore, signedBefore.plusSeconds(240), "GET", URL));
        BigInteger next = Keys.createEcKeyPair().getPrivateKey();
        long rotatedAt = TestNetwork.rotateSigner(d.organizationId(), new Peer(d.organizationId(), next)
                .signerAddress());
        given().header("Authorization", "Bearer " + old).when().get(PATH).then().statusCode(200);
        Instant signedAfter = Instant.ofEpochSecond(Math.max(rotatedAt + 1, Instant.now().getEpochSecond()));
        String late = d.signer().sign(claimsOf(d, signedAfter, signedAfter.plusSeconds(60), "GET", URL));
        refused(given().header("Authorization", "Bearer " + late).when().get(PATH), "exchange-key-not-registered");
        String fresh = new Peer(d.organizationId(), next).signer().sign(TestNetwork.selfId, "p", "GET", URL);
        given().header("Authorization", "Bearer " + fresh).when().get(PATH).then().statusCode(200);
    }

    @Test
    void theDoorRefusesBeforeThePathIsResolved() {
        refused(given().when().get("/exchange/v1/no-such-thing"), "exchange-unsigned");
        refused(given().when().post("/exchange/v1/organization"), "exchange-unsigned");
    }

    @Test
    void theOrganisationCardIsPublicAndNamesTheServicesOwnKeys() {
        given().when().get("/exchange/v1/organization")
                .then().statusCode(200)
                .body("organizationId", equalTo(TestNetwork.selfId))
                .body("endpoint", equalTo(TestNetwork.ENDPOINT))
                .body("signingAddress", equalTo(keys.signingAddress()))
                .body("encryptionKey", equalTo(keys.encryptionPublicKey()))
                .body("chainId", equalTo(31337))
                .body("registries.consent", notNullValue());
    }

    private static RequestSigner.Claims claims(Instant iat, Instant exp, String method, String url) {
        return claimsOf(TestNetwork.peerB, iat, exp, method, url);
    }

    private static RequestSigner.Claims claimsOf(Peer peer, Instant iat, Instant exp, String method, String url) {
        return new RequestSigner.Claims(peer.organizationId(), TestNetwork.selfId, "p", iat, exp,
                RequestSigner.newJti(), method, url);
    }

    private static io.restassured.response.Response send(RequestSigner.Claims claims) {
        Peer peer = claims.issuer().equals(TestNetwork.peerB.organizationId()) ? TestNetwork.peerB : null;
        return given().header("Authorization", "Bearer " + peer.signer().sign(claims)).when().get(PATH);
    }

    /** 401 problem+json of the given type, and an audit row with that reason. */
    private void refused(io.restassured.response.Response response, String slug) {
        ValidatableResponse then = response.then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", notNullValue())
                .body("status", equalTo(401))
                .body("type", equalTo("https://ehr.health/problems/" + slug))
                .body("detail", notNullValue());
        String detail = then.extract().path("detail");
        List<ExchangeRequestLog> rows = QuarkusTransaction.requiringNew().call(() -> logs.list(
                "reason = ?1 and detail = ?2", slug, detail.length() > 300 ? detail.substring(0, 300) : detail));
        assertTrue(!rows.isEmpty(), "no audit row for " + slug);
        assertEquals("REFUSED", rows.get(0).outcome);
        assertEquals("IN", rows.get(0).direction);
        assertTrue(Numeric.cleanHexPrefix(TestNetwork.selfId).length() == 64);
    }
}
