package health.ehr.exchange.service;

/**
 * Why the exchange door refused a request: each cause has its own problem type
 * ({@code https://ehr.health/problems/<slug>}) and is the {@code reason} of its audit row.
 */
public enum Refusal {
    /** No {@code Authorization: Bearer} header. */
    UNSIGNED("exchange-unsigned"),
    /** The bearer value is not a compact JWS with a JSON claims set. */
    MALFORMED("exchange-malformed"),
    /** Any algorithm but ES256K ({@code none}, HS256, RS256, ...), or an encrypted token. */
    ALGORITHM("exchange-algorithm-refused"),
    /** The JWS {@code typ} is not the exchange request's. */
    TYPE("exchange-wrong-type"),
    /** A required claim is missing or has the wrong form. */
    CLAIMS("exchange-missing-claim"),
    /** The issuer is not a member of the network. */
    UNKNOWN_ORGANIZATION("exchange-unknown-organization"),
    /** The issuer is a suspended member. */
    SUSPENDED("exchange-organization-suspended"),
    /** The signature is by a key the chain does not register for the issuer at the time it claims. */
    KEY_NOT_REGISTERED("exchange-key-not-registered"),
    /** The audience is not this organisation. */
    AUDIENCE("exchange-wrong-audience"),
    /** {@code exp - iat} exceeds the network's 5 minutes. */
    LIFETIME("exchange-lifetime-too-long"),
    /** Past {@code exp} (beyond the clock skew allowance). */
    EXPIRED("exchange-expired"),
    /** {@code iat} in the future (beyond the clock skew allowance). */
    NOT_YET_VALID("exchange-not-yet-valid"),
    /** {@code htm} is not the request's method. */
    METHOD("exchange-method-mismatch"),
    /** {@code htu} is not this organisation's URL of the request. */
    URL("exchange-url-mismatch"),
    /** The {@code jti} was seen before. */
    REPLAYED("exchange-replayed");

    private final String slug;

    Refusal(String slug) {
        this.slug = slug;
    }

    /** The problem type's last path segment, also the audit reason. */
    public String slug() {
        return slug;
    }
}
