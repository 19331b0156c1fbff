package health.ehr.support.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.build.Jwt;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The verified-token cache against smallrye-jwt's real parser and real RS256 tokens: what it may
 * reuse, and what it must never let through.
 */
class VerifiedTokenCacheTest {

    private static final String ISSUER = "https://keycloak.test/realms/ehr";
    private static KeyPair keys;
    private static KeyPair otherKeys;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
        otherKeys = generator.generateKeyPair();
    }

    /** The default parser as a service configures it, without clock skew, counting its verifications. */
    private static final class CountingParser extends DefaultJWTParser {
        final AtomicInteger verifications = new AtomicInteger();

        CountingParser() {
            super(context());
        }

        private static JWTAuthContextInfo context() {
            JWTAuthContextInfo context = new JWTAuthContextInfo(keys.getPublic(), ISSUER);
            context.setClockSkew(0);
            return context;
        }

        @Override
        public JsonWebToken parse(String token) throws ParseException {
            verifications.incrementAndGet();
            return super.parse(token);
        }
    }

    private static String token(String subject, Instant expiresAt) {
        return Jwt.issuer(ISSUER).subject(subject).groups("patient").issuedAt(Instant.now().minusSeconds(1))
                .expiresAt(expiresAt).sign(keys.getPrivate());
    }

    @Test
    void aTokenIsVerifiedOnceAndItsNextRequestsReuseTheOutcome() throws Exception {
        CountingParser parser = new CountingParser();
        VerifiedTokenCache cache = new VerifiedTokenCache(parser, 1000, Duration.ofSeconds(60));
        String alice = token("alice", Instant.now().plusSeconds(300));
        String bob = token("bob", Instant.now().plusSeconds(300));

        for (int i = 0; i < 5; i++) {
            assertEquals("alice", cache.parse(alice).getSubject());
            assertEquals("bob", cache.parse(bob).getSubject());
        }

        assertEquals(2, parser.verifications.get(), "one verification per token, not per request");
    }

    @Test
    void aCachedTokenIsRefusedOnceItsExpiryPasses() throws Exception {
        VerifiedTokenCache cache = new VerifiedTokenCache(new CountingParser(), 1000, Duration.ofSeconds(60));
        Instant expiry = Instant.ofEpochSecond(Instant.now().getEpochSecond() + 2);
        String token = token("alice", expiry);
        assertEquals("alice", cache.parse(token).getSubject());

        Thread.sleep(Duration.between(Instant.now(), expiry).toMillis() + 300);

        assertThrows(ParseException.class, () -> cache.parse(token));
    }

    @Test
    void aTokenDifferentInAnyCharacterIsVerifiedAfresh() throws Exception {
        VerifiedTokenCache cache = new VerifiedTokenCache(new CountingParser(), 1000, Duration.ofSeconds(60));
        String genuine = token("alice", Instant.now().plusSeconds(300));
        assertEquals("alice", cache.parse(genuine).getSubject());

        // The same claims signed by someone else's key, and the genuine token with its signature altered.
        String forged = Jwt.issuer(ISSUER).subject("alice").groups("patient")
                .expiresAt(Instant.now().plusSeconds(300)).sign(otherKeys.getPrivate());
        int last = genuine.length() - 2;
        char other = genuine.charAt(last) == 'A' ? 'B' : 'A';
        String altered = genuine.substring(0, last) + other + genuine.substring(last + 1);

        assertThrows(ParseException.class, () -> cache.parse(forged));
        assertThrows(ParseException.class, () -> cache.parse(altered));
    }

    @Test
    void anOutcomeIsReusedForAtMostMaxAgeAndNotAtAllWhenTurnedOff() throws Exception {
        CountingParser parser = new CountingParser();
        VerifiedTokenCache cache = new VerifiedTokenCache(parser, 1000, Duration.ofMillis(500));
        String token = token("alice", Instant.now().plusSeconds(300));
        cache.parse(token);
        cache.parse(token);
        Thread.sleep(700);
        cache.parse(token);
        assertEquals(2, parser.verifications.get(), "verified again once max-age had passed");

        CountingParser uncached = new CountingParser();
        VerifiedTokenCache off = new VerifiedTokenCache(uncached, 0, Duration.ofSeconds(60));
        off.parse(token);
        off.parse(token);
        assertEquals(2, uncached.verifications.get(), "max-entries=0 verifies every request");
    }
}
