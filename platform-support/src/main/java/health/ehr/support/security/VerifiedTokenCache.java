package health.ehr.support.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import javax.crypto.SecretKey;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Verifies each bearer token once and reuses the result for the same token's next requests.
 *
 * <p>Every request to a service is authenticated by smallrye-jwt's parser: signature, issuer,
 * audience and expiry, and the token's JSON parsed twice over: a noticeable share of a request's
 * CPU (profile: docs/benchmarks.md#verifiedtokencache-bearer-tokens-verified-once), spent on
 * the same few tokens again and again: a clinic's system or a patient's browser sends one access
 * token with every request for its lifetime (Keycloak's default: five minutes).
 *
 * <p>This parser takes the place of the default one for {@code JWTParser} (so for Quarkus'
 * {@code MpJwtValidator}) and keeps a verified token, keyed by the token's exact text, until the
 * earlier of its {@code exp} and {@code ehr.security.token-cache.max-age} (default 60 s) after it
 * was verified; at most {@code ehr.security.token-cache.max-entries} (default 1,000, least recently
 * used out first; 0 turns the cache off). What is kept is only ever the outcome of a full
 * verification, so a token that differs in any character (a forged signature, an altered claim) is
 * verified afresh, and a token is never accepted after its {@code exp} (the default parser even
 * accepts it for the configured clock skew after that). What the cache adds: a token whose signing
 * key Keycloak removes from its key set keeps working for at most {@code max-age}, and tokens longer
 * than 8 KiB are not kept. Revocation is unchanged: these tokens are self-contained and were never
 * checked against Keycloak per request.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokenCache implements JWTParser {

    /** Longer tokens are verified every time: they bound the memory an entry can take. */
    private static final int MAX_TOKEN_CHARS = 8 * 1024;

    private final JWTParser verifier;
    private final Cache<String, JsonWebToken> verified;

    @Inject
    public VerifiedTokenCache(DefaultJWTParser verifier,
            @ConfigProperty(name = "ehr.security.token-cache.max-entries", defaultValue = "1000") int maxEntries,
            @ConfigProperty(name = "ehr.security.token-cache.max-age", defaultValue = "60s") Duration maxAge) {
        this((JWTParser) verifier, maxEntries, maxAge);
    }

    VerifiedTokenCache(JWTParser verifier, int maxEntries, Duration maxAge) {
        this.verifier = verifier;
        this.verified = maxEntries <= 0 || maxAge.isZero() || maxAge.isNegative() ? null
                : Caffeine.newBuilder().maximumSize(maxEntries).expireAfter(new UntilExpiry(maxAge)).build();
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        if (verified == null || token == null || token.length() > MAX_TOKEN_CHARS) {
            return verifier.parse(token);
        }
        JsonWebToken known = verified.getIfPresent(token);
        if (known != null) {
            return known;
        }
        JsonWebToken fresh = verifier.parse(token);
        if (fresh.getExpirationTime() > 0) {
            verified.put(token, fresh);
        }
        return fresh;
    }

    /** Tokens checked against another context are not kept: the cache holds the default context's outcomes only. */
    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return verifier.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return verifier.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return verifier.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return verifier.parseOnly(token);
    }

    /** An entry lives until the token's {@code exp} or {@code maxAge} after it was verified, whichever is first. */
    private record UntilExpiry(Duration maxAge) implements Expiry<String, JsonWebToken> {

        @Override
        public long expireAfterCreate(String token, JsonWebToken jwt, long currentTime) {
            long untilExp = jwt.getExpirationTime() * 1000 - System.currentTimeMillis();
            return Math.max(0, Math.min(maxAge.toNanos(), Duration.ofMillis(untilExp).toNanos()));
        }

        @Override
        public long expireAfterUpdate(String token, JsonWebToken jwt, long currentTime, long currentDuration) {
            return currentDuration;
        }

        @Override
        public long expireAfterRead(String token, JsonWebToken jwt, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
