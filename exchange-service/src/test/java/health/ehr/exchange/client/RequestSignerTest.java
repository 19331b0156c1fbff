package health.ehr.exchange.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.SignedJWT;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Keys;

class RequestSignerTest {

    private static final String ISSUER = "0x" + "11".repeat(32);
    private static final String AUDIENCE = "0x" + "22".repeat(32);

    @Test
    void signsAnEs256kJwsWithEveryClaimTheDoorNeeds() throws Exception {
        BigInteger key = Keys.createEcKeyPair().getPrivateKey();
        Instant now = Instant.parse("2026-12-07T10:00:00Z");
        RequestSigner signer = new RequestSigner(ISSUER, Es256k.ecKey(key), Clock.fixed(now, ZoneOffset.UTC));
        SignedJWT jwt = SignedJWT.parse(signer.sign(AUDIENCE, "party-1", "get",
                "https://b.example/exchange/v1/directory/practitioners?query=x#f"));
        assertEquals(JWSAlgorithm.ES256K, jwt.getHeader().getAlgorithm());
        assertEquals(RequestSigner.TYPE, jwt.getHeader().getType().getType());
        var claims = jwt.getJWTClaimsSet();
        assertEquals(ISSUER, claims.getIssuer());
        assertEquals(List.of(AUDIENCE), claims.getAudience());
        assertEquals("party-1", claims.getSubject());
        assertEquals(now, claims.getIssueTime().toInstant());
        assertTrue(claims.getExpirationTime().toInstant().isAfter(now));
        assertTrue(!claims.getExpirationTime().toInstant().isAfter(now.plus(RequestSigner.MAX_LIFETIME)));
        assertEquals("GET", claims.getStringClaim("htm"));
        assertEquals("https://b.example/exchange/v1/directory/practitioners", claims.getStringClaim("htu"));
        assertTrue(claims.getJWTID().length() >= 22);
    }

    @Test
    void theSignatureRecoversToTheSignersAddressAndVerifies() throws Exception {
        BigInteger key = Keys.createEcKeyPair().getPrivateKey();
        RequestSigner signer = new RequestSigner(ISSUER, Es256k.ecKey(key), Clock.systemUTC());
        SignedJWT jwt = SignedJWT.parse(signer.sign(AUDIENCE, "p", "GET", "https://b.example/exchange/v1/x"));
        List<Es256k.Candidate> candidates = Es256k.signerCandidates(jwt);
        Es256k.Candidate match = candidates.stream().filter(c -> c.address().equals(Es256k.address(key)))
                .findFirst().orElseThrow();
        assertTrue(jwt.verify(Es256k.verifier(match.publicKey())));
    }

    @Test
    void everyRequestGetsItsOwnJti() throws Exception {
        RequestSigner signer = new RequestSigner(ISSUER, Es256k.ecKey(Keys.createEcKeyPair().getPrivateKey()),
                Clock.systemUTC());
        String a = SignedJWT.parse(signer.sign(AUDIENCE, "p", "GET", "https://b/x")).getJWTClaimsSet().getJWTID();
        String b = SignedJWT.parse(signer.sign(AUDIENCE, "p", "GET", "https://b/x")).getJWTClaimsSet().getJWTID();
        assertTrue(!a.equals(b));
    }
}
