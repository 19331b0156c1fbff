package health.ehr.exchange.service;

import java.time.Instant;

/** An incoming exchange request the door let through: who asks (organisation and party) and with which key. */
public record VerifiedRequest(String organizationId, String partyId, String signer, String jti, Instant issuedAt,
        Instant expiresAt) {
}
