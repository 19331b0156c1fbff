package health.ehr.consent.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.build.Jwt;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The verified-token cache never answers for a token smallrye-jwt would refuse. */
class VerifiedTokenCacheTest {

    private static final String ISSUER = "https://issuer.test/realms/ehr";

    private final KeyPair keys = rsa();
    private final JWTAuthContextInfo context = context(keys);

    @Test
    void aTokenVerifiedOnceIsAnsweredFromTheCache() throws Exception {
        VerifiedTokenCache cache = new VerifiedTokenCache();
        String token = token(keys, Instant.now().plusSeconds(300));
        JWTCallerPrincipal first = cache.parse(token, context);
        assertEquals("party-1", first.getSubject());
        assertSame(first, cache.parse(token, context));
    }

    @Test
    void aTokenSignedByAnotherKeyIsRefusedEvenBesideACachedOne() throws Exception {
        VerifiedTokenCache cache = new VerifiedTokenCache();
        cache.parse(token(keys, Instant.now().plusSeconds(300)), context);
        String forged = token(rsa(), Instant.now().plusSeconds(300));
        assertThrows(ParseException.class, () -> cache.parse(forged, context));
        String[] parts = token(keys, Instant.now().plusSeconds(300)).split("\\.");
        String tampered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2];
        assertThrows(ParseException.class, () -> cache.parse(tampered, context));
    }

    @Test
    void anExpiredTokenIsVerifiedAgainAndRefused() throws Exception {
        VerifiedTokenCache cache = new VerifiedTokenCache();
        context.setClockSkew(0);
        context.setExpGracePeriodSecs(0);
        String token = token(keys, Instant.now().plusSeconds(2));
        JWTCallerPrincipal first = cache.parse(token, context);
        while (Instant.now().getEpochSecond() <= first.getExpirationTime()) {
            Thread.sleep(100);
        }
        assertThrows(ParseException.class, () -> cache.parse(token, context));
        String fresh = token(keys, Instant.now().plusSeconds(300));
        assertNotSame(first, cache.parse(fresh, context));
    }

    private static String token(KeyPair keys, Instant expiresAt) {
        return Jwt.issuer(ISSUER).subject("party-1").groups("service").audience("ehr-api")
                .issuedAt(Instant.now().minusSeconds(1)).expiresAt(expiresAt).sign(keys.getPrivate());
    }

    private static JWTAuthContextInfo context(KeyPair keys) {
        JWTAuthContextInfo info = new JWTAuthContextInfo((java.security.interfaces.RSAPublicKey) keys.getPublic(),
                ISSUER);
        info.setExpectedAudience(java.util.Set.of("ehr-api"));
        return info;
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
