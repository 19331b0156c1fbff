package health.ehr.consent.service;

import static health.ehr.consent.testing.ConsentApi.categories;
import static health.ehr.consent.testing.ConsentApi.grant;
import static health.ehr.consent.testing.ConsentApi.status;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import health.ehr.consent.client.ConsentChain;
import health.ehr.consent.testing.ConsentApi;
import health.ehr.consent.testing.OutboxRows;
import health.ehr.consent.testing.Parties;
import health.ehr.consent.testing.Parties.Party;
import health.ehr.consent.testing.TestChain;
import health.ehr.events.chain.GrantConsent;
import health.ehr.events.chain.RevokeConsent;
import health.ehr.events.consent.ConsentGranted;
import health.ehr.events.consent.ConsentRevoked;
import health.ehr.support.testing.Poll;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;

/**
 * The mirror stopped while grants and a revocation are mined, then started again (a new round
 * from the persisted cursor, as after a restart of the service): every log is applied exactly once,
 * none is missed; and replaying blocks that were applied already changes nothing.
 */
@QuarkusTest
@WithTestResource(TestChain.class)
class MirrorRestartTest {

    private static final Duration MIRROR = Duration.ofSeconds(20);

    @Inject
    ConsentMirror mirror;

    @Inject
    OutboxRows outbox;

    @AfterEach
    void mirrorRuns() {
        if (!mirror.running()) {
            mirror.start();
        }
    }

    @Test
    void aRestartedMirrorAppliesEveryLogOnceAndMissesNone() throws Exception {
        Party patient = Parties.patient();
        Party doctor = Parties.practitioner();
        ECKeyPair wallet = Keys.createEcKeyPair();
        TestChain.registerController(patient.chainId(), "0x" + Keys.getAddress(wallet));
        UUID first = grantAndRelay(patient, wallet, doctor, "LAB_RESULT");
        TestChain.anvil.mine(2);
        Poll.until(MIRROR, () -> status(patient, first), "ACTIVE"::equals, "first grant ACTIVE");

        mirror.stop();
        ConsentApi.revokeWithWallet(patient, wallet, first).then().statusCode(202);
        TestChain.relay(outbox.of(first, RevokeConsent.class).get(0));
        UUID second = grantAndRelay(patient, wallet, doctor, "IMAGING");
        UUID third = grantAndRelay(patient, wallet, doctor, "PRESCRIPTION");
        TestChain.anvil.mine(2);
        Poll.holds(Duration.ofMillis(1500), () -> status(patient, second), "PENDING"::equals,
                "PENDING while the mirror is stopped");

        // One partial round (a single block) before the "crash", then a fresh start from the cursor.
        mirror.round(1);
        mirror.stop();
        mirror.start();
        Poll.until(MIRROR, () -> List.of(status(patient, first), status(patient, second), status(patient, third)),
                List.of("REVOKED", "ACTIVE", "ACTIVE")::equals, "every log applied after the restart");

        assertExactlyOnce(first, second, third);
        long applied = outbox.count("SELECT COUNT(*) FROM chain_log");
        assertThat(applied, equalTo(logsOnChainUpTo(confirmedHead())));

        // Replaying blocks already applied (the cursor moved back by hand) applies nothing twice.
        mirror.stop();
        long cursor = outbox.count("SELECT block_number FROM mirror_cursor WHERE id = 1");
        long from = Math.max(0, cursor - 10);
        String hash = TestChain.web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
                false).send().getBlock().getHash();
        outbox.update("UPDATE mirror_cursor SET block_number = ?, block_hash = ? WHERE id = 1", from, hash);
        mirror.start();
        Poll.until(MIRROR, () -> outbox.count("SELECT block_number FROM mirror_cursor WHERE id = 1"),
                b -> b >= cursor, "the mirror back at block " + cursor);
        assertExactlyOnce(first, second, third);
        assertThat(outbox.count("SELECT COUNT(*) FROM chain_log"), equalTo(applied));
    }

    private void assertExactlyOnce(UUID first, UUID second, UUID third) {
        assertThat(outbox.of(first, ConsentGranted.class), hasSize(1));
        assertThat(outbox.of(first, ConsentRevoked.class), hasSize(1));
        assertThat(outbox.of(second, ConsentGranted.class), hasSize(1));
        assertThat(outbox.of(third, ConsentGranted.class), hasSize(1));
    }

    private UUID grantAndRelay(Party patient, ECKeyPair wallet, Party doctor, String category) throws Exception {
        UUID consentId = UUID.fromString(ConsentApi.createWithWallet(patient, wallet,
                        grant(doctor.id(), categories(category)))
                .then().statusCode(202).extract().jsonPath().getString("consentId"));
        TestChain.relay(outbox.of(consentId, GrantConsent.class).get(0));
        return consentId;
    }

    private long confirmedHead() {
        return outbox.count("SELECT block_number FROM mirror_cursor WHERE id = 1");
    }

    /** How many ConsentGranted/ConsentRevoked logs the registry emitted in blocks 0..{@code to}. */
    private static long logsOnChainUpTo(long to) throws Exception {
        EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.ZERO),
                DefaultBlockParameter.valueOf(BigInteger.valueOf(to)), TestChain.deployment.consentRegistry());
        filter.addOptionalTopics(ConsentChain.GRANTED_TOPIC, ConsentChain.REVOKED_TOPIC);
        return TestChain.web3j().ethGetLogs(filter).send().getLogs().size();
    }
}
