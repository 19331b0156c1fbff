package health.ehr.exchange.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.ehr.exchange.repository.ReplayRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The replay guard remembers a request id once, until it expires, and then forgets it. */
@QuarkusTest
class ReplayGuardTest {

    @Inject
    ReplayRepository replays;

    @Inject
    RequestVerifier verifier;

    @Test
    void aRequestIdIsAcceptedOnceAndForgottenAfterItExpires() {
        String issuer = "0x" + "ef".repeat(32);
        String expired = UUID.randomUUID().toString();
        String live = UUID.randomUUID().toString();
        assertTrue(remember(issuer, expired, Instant.now().minusSeconds(1)));
        assertTrue(remember(issuer, live, Instant.now().plusSeconds(300)));
        assertFalse(remember(issuer, live, Instant.now().plusSeconds(300)), "the same id again is a replay");
        assertTrue(remember("0x" + "aa".repeat(32), live, Instant.now().plusSeconds(300)),
                "ids are per issuer");
        verifier.purgeReplays();
        assertTrue(remember(issuer, expired, Instant.now().plusSeconds(300)), "an expired id was forgotten");
        assertFalse(remember(issuer, live, Instant.now().plusSeconds(300)), "a live id is still remembered");
    }

    private boolean remember(String issuer, String jti, Instant expiresAt) {
        return QuarkusTransaction.requiringNew().call(() -> replays.remember(issuer, jti, expiresAt));
    }
}
