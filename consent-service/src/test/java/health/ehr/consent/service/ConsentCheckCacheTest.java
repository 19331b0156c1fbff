package health.ehr.consent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.ehr.consent.testing.TestChain;
import health.ehr.events.Ids;
import health.ehr.support.testing.Poll;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Calendar;
import java.util.Optional;
import java.util.TimeZone;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The check answers from memory, yet a change written by another replica (here: straight into the
 * shared database, as another replica's transaction would) reaches it through the change feed
 * within about the refresh interval: a new consent starts permitting, a revoked one stops.
 */
@QuarkusTest
@WithTestResource(TestChain.class)
class ConsentCheckCacheTest {

    private static final Duration WITHIN = Duration.ofSeconds(2);
    private static final Calendar UTC = Calendar.getInstance(TimeZone.getTimeZone("UTC"));

    @Inject
    ConsentCheck check;

    @Inject
    AgroalDataSource db;

    @Test
    void changesMadeByAnotherReplicaReachTheCachedAnswerWithinSeconds() throws Exception {
        UUID patient = UUID.randomUUID();
        UUID grantee = UUID.randomUUID();

        // Asked before any consent exists: "no" is cached for the pair.
        assertTrue(ask(patient, grantee).isEmpty(), "no consent, no permission");

        UUID consentId = UUID.randomUUID();
        insertActive(consentId, patient, grantee, "IMAGING");
        Optional<ConsentCheck.Grant> granted = Poll.until(WITHIN, () -> ask(patient, grantee), Optional::isPresent,
                "a consent written by another replica to permit the read");
        assertEquals(consentId, granted.get().consentId());
        assertTrue(check.permitted(patient, grantee, "LAB_RESULT", null, Instant.now()).isEmpty(),
                "the consent covers IMAGING only");

        setStatus(consentId, "REVOKING");
        Poll.until(WITHIN, () -> ask(patient, grantee), Optional::isEmpty,
                "a revocation written by another replica to stop the read");
    }

    private Optional<ConsentCheck.Grant> ask(UUID patient, UUID grantee) {
        return check.permitted(patient, grantee, "IMAGING", null, Instant.now());
    }

    private void insertActive(UUID consentId, UUID patient, UUID grantee, String category) throws SQLException {
        Instant now = Instant.now();
        try (Connection c = db.getConnection();
                PreparedStatement consent = c.prepareStatement("INSERT INTO consent (consent_id, patient_id,"
                        + " grantee_id, scope, scope_hash, purpose, expires_at, status, patient_chain_id,"
                        + " grantee_chain_id, grant_nonce, grant_command_id, signed_by, created_at, updated_at) VALUES"
                        + " (?, ?, ?, ?, ?, 'cache test', ?, 'ACTIVE', ?, ?, 0, ?, 'CUSTODIAL', ?, ?)");
                PreparedStatement coverage = c.prepareStatement("INSERT INTO consent_coverage (patient_id,"
                        + " grantee_id, item, consent_id) VALUES (?, ?, ?, ?)")) {
            c.setAutoCommit(false);
            consent.setBytes(1, Ids.bytes(consentId));
            consent.setBytes(2, Ids.bytes(patient));
            consent.setBytes(3, Ids.bytes(grantee));
            consent.setString(4, "{\"categories\":[\"" + category + "\"]}");
            consent.setString(5, "0x" + "ab".repeat(32));
            consent.setTimestamp(6, Timestamp.from(now.plus(1, ChronoUnit.DAYS)), UTC);
            consent.setString(7, "0x" + "cd".repeat(32));
            consent.setString(8, "0x" + "ef".repeat(32));
            consent.setBytes(9, Ids.bytes(UUID.randomUUID()));
            consent.setTimestamp(10, Timestamp.from(now), UTC);
            consent.setTimestamp(11, Timestamp.from(now), UTC);
            consent.executeUpdate();
            coverage.setBytes(1, Ids.bytes(patient));
            coverage.setBytes(2, Ids.bytes(grantee));
            coverage.setString(3, Scopes.categoryItem(category));
            coverage.setBytes(4, Ids.bytes(consentId));
            coverage.executeUpdate();
            c.commit();
        }
    }

    private void setStatus(UUID consentId, String status) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement update = c.prepareStatement(
                        "UPDATE consent SET status = ?, updated_at = ? WHERE consent_id = ?")) {
            update.setString(1, status);
            update.setTimestamp(2, Timestamp.from(Instant.now()), UTC);
            update.setBytes(3, Ids.bytes(consentId));
            assertEquals(1, update.executeUpdate());
        }
    }
}
