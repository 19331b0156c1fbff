package health.ehr.exchange.client;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Locale;

/**
 * Signs this organisation's outgoing exchange requests: a compact JWS (ES256K, {@code typ}
 * {@value #TYPE}) whose claims bind the issuing organisation ({@code iss}), the organisation asked
 * ({@code aud}), the requesting party ({@code sub}), the method ({@code htm}) and URL ({@code htu}, without
 * query and fragment, as in DPoP), a random {@code jti}, and at most {@link #MAX_LIFETIME} of life. The
 * requesting person's own token never leaves the installation: this JWS replaces it.
 */
public final class RequestSigner {

    /** The JWS {@code typ} of an exchange request; the door refuses any other. */
    public static final String TYPE = "ehr-exchange+jwt";
    /** The network's longest request lifetime. */
    public static final Duration MAX_LIFETIME = Duration.ofMinutes(5);
    /** The lifetime this signer gives its requests: short, they are sent at once. */
    public static final Duration LIFETIME = Duration.ofSeconds(60);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String organizationId;
    private final ECKey key;
    private final ECDSASigner signer;
    private final Clock clock;

    /** A signer for {@code organizationId} (0x hex) with its registered signing key. */
    public RequestSigner(String organizationId, ECKey key, Clock clock) {
        this.organizationId = organizationId.toLowerCase(Locale.ROOT);
        this.key = key;
        this.signer = Es256k.signer(key);
        this.clock = clock;
    }

    /** The JWS of one request of {@code partyId} to the organisation {@code audience}: {@code Bearer} it. */
    public String sign(String audience, String partyId, String method, String url) {
        Instant now = clock.instant();
        return sign(new Claims(organizationId, audience, partyId, now, now.plus(LIFETIME), newJti(), method, url));
    }

    /** The JWS of exactly these claims (tests use it to forge what the door must refuse). */
    public String sign(Claims claims) {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256K).type(new JOSEObjectType(TYPE)).build();
        SignedJWT jwt = new SignedJWT(header, claims.toClaimsSet());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an exchange request", e);
        }
        return jwt.serialize();
    }

    /** This signer's public key and address, as registered on chain. */
    public ECKey publicKey() {
        return key.toPublicJWK();
    }

    /** A fresh random {@code jti} (128 bits, base64url). */
    public static String newJti() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The claims of one request JWS. */
    public record Claims(String issuer, String audience, String subject, Instant issuedAt, Instant expiresAt,
            String jti, String method, String url) {

        JWTClaimsSet toClaimsSet() {
            return new JWTClaimsSet.Builder()
                    .issuer(issuer)
                    .audience(audience)
                    .subject(subject)
                    .issueTime(Date.from(issuedAt))
                    .expirationTime(Date.from(expiresAt))
                    .jwtID(jti)
                    .claim("htm", method.toUpperCase(Locale.ROOT))
                    .claim("htu", withoutQuery(url))
                    .build();
        }
    }

    /** {@code url} without its query and fragment (the {@code htu} of RFC 9449). */
    public static String withoutQuery(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }
}
