package health.ehr.consent.rest;

import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers bearer tokens this service has already verified, until they expire, so that a caller
 * who sends the same token again (records-service asks the consent check on every record read,
 * always with its one service token) is not parsed and RSA-verified again, a large part of the
 * check's CPU time (profile: docs/benchmarks.md#verifiedtokencache-bearer-tokens-verified-once).
 *
 * <p>Safe because the key is the whole compact token, signature included: a hit is byte for byte
 * a token whose signature, issuer and audience smallrye-jwt verified, and its expiry is checked on
 * every hit. Bounded: when full it is emptied (tokens are short-lived; a cold entry is one normal
 * verification). Replaces smallrye-jwt's factory the way Quarkus documents (an {@code @Alternative}
 * {@link JWTCallerPrincipalFactory}); the verification itself stays smallrye-jwt's.
 */
@ApplicationScoped
@Alternative
@Priority(1)
public class VerifiedTokenCache extends JWTCallerPrincipalFactory {

    private static final int MAX_TOKENS = 10_000;

    private final DefaultJWTCallerPrincipalFactory verifier = new DefaultJWTCallerPrincipalFactory();
    private final ConcurrentHashMap<String, JWTCallerPrincipal> verified = new ConcurrentHashMap<>();

    @Override
    public JWTCallerPrincipal parse(String token, JWTAuthContextInfo context) throws ParseException {
        JWTCallerPrincipal known = verified.get(token);
        long now = System.currentTimeMillis() / 1000;
        if (known != null) {
            if (known.getExpirationTime() > now) {
                return known;
            }
            verified.remove(token, known);
        }
        JWTCallerPrincipal principal = verifier.parse(token, context);
        if (principal.getExpirationTime() > now) {
            if (verified.size() >= MAX_TOKENS) {
                verified.clear();
            }
            verified.put(token, principal);
        }
        return principal;
    }
}
