package health.ehr.exchange.service;

import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import health.ehr.exchange.client.Es256k;
import health.ehr.exchange.client.OrganizationDirectory;
import health.ehr.exchange.client.RegisteredOrganization;
import health.ehr.exchange.client.RequestSigner;
import health.ehr.exchange.config.ExchangeConfig;
import health.ehr.exchange.repository.ReplayRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The exchange door's rules for one incoming request, in this order: a bearer JWS; ES256K and nothing
 * else (no {@code none}, no HMAC, no encrypted token); the exchange {@code typ}; every claim present; a
 * signature by a key the chain registers for the issuer at the claimed {@code iat} (OrganizationRegistry's
 * {@code isSigner}, asked at the latest block for every request: a suspension or rotation bites at once);
 * this organisation as audience; a lifetime of at most {@code exchange.door.max-lifetime}; not expired and
 * not issued in the future beyond {@code exchange.door.clock-skew}; {@code htm} and {@code htu} naming this
 * request; and a {@code jti} never accepted before from that issuer (remembered in the database until it
 * expires, so across restarts and replicas). Any failure is a {@link DoorRefusedException}.
 */
@ApplicationScoped
public class RequestVerifier {

    /** Where the exchange API lives on every installation; the configured endpoint ends with it. */
    public static final String BASE_PATH = "/exchange/v1";

    private static final Logger LOG = Logger.getLogger(RequestVerifier.class);
    private static final Pattern ORGANIZATION_ID = Pattern.compile("0x[0-9a-f]{64}");
    private static final int MAX_TOKEN = 8192;
    private static final int MAX_JTI = 64;

    private final OrganizationDirectory chain;
    private final ReplayRepository replays;
    private final String self;
    private final String endpoint;
    private final Duration maxLifetime;
    private final Duration skew;
    private final Clock clock;

    public RequestVerifier(OrganizationDirectory chain, ReplayRepository replays, ExchangeConfig config) {
        this.chain = chain;
        this.replays = replays;
        this.self = config.organizationId().toLowerCase(Locale.ROOT);
        this.endpoint = config.endpoint().replaceAll("/+$", "");
        this.maxLifetime = config.door().maxLifetime();
        this.skew = config.door().clockSkew();
        this.clock = Clock.systemUTC();
    }

    /**
     * Verifies the request {@code method path} (the path from the server root, e.g.
     * {@code /exchange/v1/directory/practitioners}) with its {@code Authorization} header value.
     */
    public VerifiedRequest verify(String authorization, String method, String path) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || authorization.substring(7).isBlank()) {
            throw refuse(Refusal.UNSIGNED, "An exchange request must carry 'Authorization: Bearer <JWS>' signed by"
                    + " the calling organisation's registered key.", null, null);
        }
        String token = authorization.substring(7).trim();
        if (token.length() > MAX_TOKEN) {
            throw refuse(Refusal.MALFORMED, "The bearer token is longer than " + MAX_TOKEN + " characters.", null,
                    null);
        }
        JWSObject jws = parse(token);
        JWTClaimsSet claims = claims(jws);
        String issuer = claims.getIssuer();
        String party = claims.getSubject();
        Instant issuedAt = instant(claims.getIssueTime());
        Instant expiresAt = instant(claims.getExpirationTime());
        String jti = claims.getJWTID();
        String htm = stringClaim(claims, "htm");
        String htu = stringClaim(claims, "htu");
        if (issuer == null || !ORGANIZATION_ID.matcher(issuer).matches()) {
            throw refuse(Refusal.CLAIMS, "The 'iss' claim must be the calling organisation's id (0x and 64 lower-case"
                    + " hex digits).", issuer, party);
        }
        List<String> audience = claims.getAudience();
        if (party == null || party.isBlank() || issuedAt == null || expiresAt == null || jti == null
                || jti.isBlank() || jti.length() > MAX_JTI || htm == null || htu == null || audience.isEmpty()) {
            throw refuse(Refusal.CLAIMS, "The JWS must carry 'iss', 'aud', 'sub', 'iat', 'exp', 'jti' (at most "
                    + MAX_JTI + " characters), 'htm' and 'htu'.", issuer, party);
        }
        String signer = verifySigner(jws, issuer, party, issuedAt);
        if (audience.size() != 1 || !self.equals(audience.get(0).toLowerCase(Locale.ROOT))) {
            throw refuse(Refusal.AUDIENCE, "The 'aud' claim must be this organisation, " + self + ".", issuer, party);
        }
        if (Duration.between(issuedAt, expiresAt).compareTo(maxLifetime) > 0) {
            throw refuse(Refusal.LIFETIME, "The JWS lives " + Duration.between(issuedAt, expiresAt).toSeconds()
                    + " s ('exp' - 'iat'); at most " + maxLifetime.toSeconds() + " s are accepted.", issuer, party);
        }
        Instant now = clock.instant();
        if (!expiresAt.plus(skew).isAfter(now)) {
            throw refuse(Refusal.EXPIRED, "The JWS expired at " + expiresAt + " ('exp'; " + skew.toSeconds()
                    + " s of clock skew allowed).", issuer, party);
        }
        if (issuedAt.isAfter(now.plus(skew))) {
            throw refuse(Refusal.NOT_YET_VALID, "The JWS was issued in the future ('iat' " + issuedAt + "; "
                    + skew.toSeconds() + " s of clock skew allowed).", issuer, party);
        }
        if (!method.equals(htm)) {
            throw refuse(Refusal.METHOD, "The 'htm' claim (" + htm + ") is not this request's method, " + method
                    + ".", issuer, party);
        }
        String expectedUrl = expectedUrl(path);
        if (!expectedUrl.equals(withoutQuery(htu))) {
            throw refuse(Refusal.URL, "The 'htu' claim is not this request's URL, " + expectedUrl + ".", issuer,
                    party);
        }
        boolean fresh = QuarkusTransaction.requiringNew().call(() -> replays.remember(issuer, jti,
                expiresAt.plus(skew)));
        if (!fresh) {
            throw refuse(Refusal.REPLAYED, "This 'jti' was already used by " + issuer + ": a request is accepted"
                    + " once.", issuer, party);
        }
        return new VerifiedRequest(issuer, party, signer, jti, issuedAt, expiresAt);
    }

    /** The URL this organisation's request {@code path} has from outside: the registered endpoint's. */
    String expectedUrl(String path) {
        String rest = path.startsWith(BASE_PATH) ? path.substring(BASE_PATH.length()) : path;
        return endpoint + rest;
    }

    /** Forgets remembered {@code jti}s once they can no longer be replayed. */
    @Scheduled(every = "${exchange.door.purge-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purgeReplays() {
        int purged = QuarkusTransaction.requiringNew().call(() -> replays.purge(clock.instant()));
        if (purged > 0) {
            LOG.debugf("forgot %d expired request ids", purged);
        }
    }

    private JWSObject parse(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            if (parts.length == 5) {
                throw refuse(Refusal.ALGORITHM, "An encrypted token (JWE) is not accepted; only a JWS signed with"
                        + " ES256K is.", null, null);
            }
            throw refuse(Refusal.MALFORMED, "The bearer token is not a compact JWS (three base64url parts).", null,
                    null);
        }
        Header header;
        try {
            header = Header.parse(new Base64URL(parts[0]));
        } catch (ParseException e) {
            throw refuse(Refusal.MALFORMED, "The JWS header is not valid: " + e.getMessage(), null, null);
        }
        if (!(header instanceof JWSHeader jwsHeader) || !JWSAlgorithm.ES256K.equals(jwsHeader.getAlgorithm())) {
            throw refuse(Refusal.ALGORITHM, "The JWS algorithm '" + header.getAlgorithm() + "' is refused; exchange"
                    + " requests are signed with ES256K only.", null, null);
        }
        if (jwsHeader.getCriticalParams() != null && !jwsHeader.getCriticalParams().isEmpty()) {
            throw refuse(Refusal.MALFORMED, "The JWS header names critical parameters this door does not know.",
                    null, null);
        }
        if (!new JOSEObjectType(RequestSigner.TYPE).equals(jwsHeader.getType())) {
            throw refuse(Refusal.TYPE, "The JWS 'typ' must be '" + RequestSigner.TYPE + "'.", null, null);
        }
        try {
            return JWSObject.parse(token);
        } catch (ParseException e) {
            throw refuse(Refusal.MALFORMED, "The bearer token is not a compact JWS: " + e.getMessage(), null, null);
        }
    }

    private static JWTClaimsSet claims(JWSObject jws) {
        try {
            return JWTClaimsSet.parse(jws.getPayload().toJSONObject());
        } catch (ParseException | RuntimeException e) {
            throw refuse(Refusal.MALFORMED, "The JWS payload is not a JSON claims set.", null, null);
        }
    }

    /**
     * The address whose key made {@code jws}'s signature, asked of the chain: registered for the issuer at
     * {@code issuedAt}, then the signature checked by nimbus with that key.
     */
    private String verifySigner(JWSObject jws, String issuer, String party, Instant issuedAt) {
        for (Es256k.Candidate candidate : Es256k.signerCandidates(jws)) {
            if (chain.isSigner(issuer, candidate.address(), issuedAt.getEpochSecond())) {
                try {
                    if (jws.verify(Es256k.verifier(candidate.publicKey()))) {
                        return candidate.address();
                    }
                } catch (JOSEException e) {
                    LOG.debugf("ES256K verification failed: %s", e.getMessage());
                }
            }
        }
        Optional<RegisteredOrganization> entry = chain.organization(issuer);
        if (entry.isEmpty()) {
            throw refuse(Refusal.UNKNOWN_ORGANIZATION, "The issuer " + issuer + " is not a member of the network.",
                    issuer, party);
        }
        if (entry.get().status() == RegisteredOrganization.Status.SUSPENDED) {
            throw refuse(Refusal.SUSPENDED, "The issuer " + issuer + " is suspended from the network.", issuer,
                    party);
        }
        throw refuse(Refusal.KEY_NOT_REGISTERED, "The JWS is not signed by a key the chain registers for " + issuer
                + " at its 'iat'.", issuer, party);
    }

    private static String stringClaim(JWTClaimsSet claims, String name) {
        Object value = claims.getClaim(name);
        return value instanceof String s ? s : null;
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }

    private static String withoutQuery(String url) {
        try {
            return RequestSigner.withoutQuery(url);
        } catch (RuntimeException e) {
            return url;
        }
    }

    private static DoorRefusedException refuse(Refusal refusal, String detail, String issuer, String party) {
        return new DoorRefusedException(refusal, detail, issuer, party);
    }
}
