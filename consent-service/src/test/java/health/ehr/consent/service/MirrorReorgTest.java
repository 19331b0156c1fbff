package health.ehr.consent.service;

import static health.ehr.consent.testing.ConsentApi.categories;
import static health.ehr.consent.testing.ConsentApi.grant;
import static health.ehr.consent.testing.ConsentApi.permitted;
import static health.ehr.consent.testing.ConsentApi.status;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;

import health.ehr.consent.testing.ConsentApi;
import health.ehr.consent.testing.OutboxRows;
import health.ehr.consent.testing.Parties;
import health.ehr.consent.testing.Parties.Party;
import health.ehr.consent.testing.TestChain;
import health.ehr.consent.testing.TestChain.SentTx;
import health.ehr.events.Ids;
import health.ehr.events.chain.GrantConsent;
import health.ehr.events.consent.ConsentGranted;
import health.ehr.support.testing.Poll;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/**
 * Reorgs made with {@code anvil_reorg} (which delivers no {@code removed} logs): the confirmation
 * depth keeps a grant that a shallow reorg removes from ever showing ACTIVE, and a reorg deeper than
 * the depth is rolled back from the stored block hashes and applied again once re-mined.
 */
@QuarkusTest
@WithTestResource(TestChain.class)
class MirrorReorgTest {

    private static final Duration MIRROR = Duration.ofSeconds(15);

    @Inject
    OutboxRows outbox;

    @Test
    void aGrantMinedAtDepthMinusOneThatAReorgRemovesIsNeverShownActiveAndIsOnceReMined() throws Exception {
        Grant grant = pendingGrant("IMAGING");
        SentTx mined = TestChain.relay(grant.command());
        TestChain.anvil.mine(1); // one block on top: depth 1 of 2

        Poll.holds(Duration.ofMillis(1500), () -> status(grant.patient(), grant.consentId()), "PENDING"::equals,
                "PENDING one block deep");
        TestChain.anvil.reorg(2); // the grant's block and the one on top are replaced by empty blocks
        assertThat(TestChain.web3j().ethGetTransactionReceipt(mined.hash()).send().getTransactionReceipt().isPresent(),
                equalTo(false));
        TestChain.anvil.mine(3); // the replacing chain is now deeper than the confirmation depth
        Poll.holds(Duration.ofMillis(2000), () -> status(grant.patient(), grant.consentId()), "PENDING"::equals,
                "PENDING after the reorg removed the grant");
        assertThat(permitted(grant.patient().id(), grant.doctor().id(), "IMAGING", null), equalTo(false));

        SentTx reMined = TestChain.sendRaw(mined.raw()); // the same signed transaction, mined again
        assertThat(reMined.blockNumber(), greaterThan(mined.blockNumber()));
        TestChain.anvil.mine(2);
        Poll.until(MIRROR, () -> status(grant.patient(), grant.consentId()), "ACTIVE"::equals, "ACTIVE once re-mined");
        ConsentApi.get(grant.patient(), grant.consentId()).then()
                .body("transactionHash", equalTo(reMined.hash()))
                .body("blockNumber", equalTo((int) reMined.blockNumber()));
        assertThat(outbox.of(grant.consentId(), ConsentGranted.class), hasSize(1));
        assertThat(outbox.count("SELECT COUNT(*) FROM chain_log WHERE consent_id = ?",
                Ids.bytes(grant.consentId())), equalTo(1L));
        assertThat(permitted(grant.patient().id(), grant.doctor().id(), "IMAGING", null), equalTo(true));
    }

    @Test
    void aReorgDeeperThanTheConfirmationDepthIsRolledBackAndAppliedAgainOnceReMined() throws Exception {
        Grant grant = pendingGrant("LAB_RESULT");
        SentTx mined = TestChain.relay(grant.command());
        TestChain.anvil.mine(2);
        Poll.until(MIRROR, () -> status(grant.patient(), grant.consentId()), "ACTIVE"::equals, "ACTIVE");
        assertThat(permitted(grant.patient().id(), grant.doctor().id(), "LAB_RESULT", null), equalTo(true));

        TestChain.anvil.reorg(3); // removes the grant's block and both confirmations
        Poll.until(MIRROR, () -> status(grant.patient(), grant.consentId()), "PENDING"::equals,
                "PENDING after the rollback");
        assertThat(permitted(grant.patient().id(), grant.doctor().id(), "LAB_RESULT", null), equalTo(false));
        assertThat(outbox.count("SELECT COUNT(*) FROM chain_log WHERE consent_id = ?",
                Ids.bytes(grant.consentId())), equalTo(0L));
        ConsentApi.get(grant.patient(), grant.consentId()).then().body("transactionHash", equalTo(null));

        SentTx reMined = TestChain.sendRaw(mined.raw());
        TestChain.anvil.mine(2);
        Poll.until(MIRROR, () -> status(grant.patient(), grant.consentId()), "ACTIVE"::equals, "ACTIVE again");
        ConsentApi.get(grant.patient(), grant.consentId()).then()
                .body("blockNumber", equalTo((int) reMined.blockNumber()));
        assertThat(outbox.count("SELECT COUNT(*) FROM chain_log WHERE consent_id = ?",
                Ids.bytes(grant.consentId())), equalTo(1L));
        // Announced when first granted and again when granted on the new chain.
        assertThat(outbox.of(grant.consentId(), ConsentGranted.class), hasSize(2));
    }

    private record Grant(Party patient, Party doctor, UUID consentId, GrantConsent command) {
    }

    private Grant pendingGrant(String category) throws Exception {
        Party patient = Parties.patient();
        Party doctor = Parties.practitioner();
        ECKeyPair wallet = Keys.createEcKeyPair();
        TestChain.registerController(patient.chainId(), "0x" + Keys.getAddress(wallet));
        UUID consentId = UUID.fromString(ConsentApi.createWithWallet(patient, wallet, grant(doctor.id(),
                categories(category))).then().statusCode(202).extract().jsonPath().getString("consentId"));
        return new Grant(patient, doctor, consentId, outbox.of(consentId, GrantConsent.class).get(0));
    }
}
