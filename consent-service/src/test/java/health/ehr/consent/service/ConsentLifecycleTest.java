package health.ehr.consent.service;

import static health.ehr.consent.testing.ConsentApi.categories;
import static health.ehr.consent.testing.ConsentApi.grant;
import static health.ehr.consent.testing.ConsentApi.permitted;
import static health.ehr.consent.testing.ConsentApi.status;
import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import health.ehr.consent.testing.ConsentApi;
import health.ehr.consent.testing.OutboxRows;
import health.ehr.consent.testing.Parties;
import health.ehr.consent.testing.Parties.Party;
import health.ehr.consent.testing.TestChain;
import health.ehr.consent.testing.TestChain.SentTx;
import health.ehr.events.chain.GrantConsent;
import health.ehr.events.chain.RevokeConsent;
import health.ehr.events.consent.ConsentGranted;
import health.ehr.events.consent.ConsentRevoked;
import health.ehr.support.testing.Poll;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/**
 * A consent's life on a real chain: granted with the patient's wallet, relayed (as chain-anchor-service
 * would) to ConsentRegistry, ACTIVE only once past the confirmation depth, answered by the check,
 * revoked with the wallet, REVOKED once the revocation is confirmed.
 */
@QuarkusTest
@WithTestResource(TestChain.class)
class ConsentLifecycleTest {

    private static final Duration MIRROR = Duration.ofSeconds(15);

    @Inject
    OutboxRows outbox;

    @Test
    void aWalletGrantIsActiveOnlyPastTheConfirmationDepthAndARevocationStopsReadsAtOnce() throws Exception {
        Party patient = Parties.patient();
        Party doctor = Parties.practitioner();
        ECKeyPair wallet = Keys.createEcKeyPair();
        TestChain.registerController(patient.chainId(), "0x" + Keys.getAddress(wallet));

        UUID consentId = UUID.fromString(ConsentApi.createWithWallet(patient, wallet,
                        grant(doctor.id(), categories("LAB_RESULT", "IMAGING")))
                .then().log().ifValidationFails().statusCode(202).body("status", equalTo("PENDING"))
                .extract().jsonPath().getString("consentId"));
        SentTx granted = TestChain.relay(outbox.of(consentId, GrantConsent.class).get(0));

        // Mined in block N; with 2 confirmations the mirror applies it at head N + 2, not before.
        TestChain.anvil.mine(1);
        Poll.holds(Duration.ofMillis(1500), () -> status(patient, consentId), "PENDING"::equals, "PENDING at depth 1");
        assertThat(permitted(patient.id(), doctor.id(), "LAB_RESULT", null), equalTo(false));
        TestChain.anvil.mine(1);
        Poll.until(MIRROR, () -> status(patient, consentId), "ACTIVE"::equals, "ACTIVE at depth 2");

        ConsentApi.get(patient, consentId).then().statusCode(200)
                .body("transactionHash", equalTo(granted.hash()))
                .body("blockNumber", equalTo((int) granted.blockNumber()))
                .body("finalized", equalTo(false)); // anvil calls final only what is 64 blocks deep
        List<ConsentGranted> announced = outbox.of(consentId, ConsentGranted.class);
        assertThat(announced, hasSize(1));
        assertThat(announced.get(0).transactionHash(), equalTo(granted.hash()));

        JsonPath answer = given().header("Authorization", doctor.bearer()).queryParam("patientId", patient.id())
                .queryParam("granteeId", doctor.id()).queryParam("category", "LAB_RESULT")
                .get("/api/consents/check").then().statusCode(200).extract().jsonPath();
        assertThat(answer.getBoolean("permitted"), equalTo(true));
        assertThat(answer.getString("consentId"), equalTo(consentId.toString()));
        assertThat(answer.getString("expiresAt"), equalTo(ConsentApi.get(patient, consentId).jsonPath()
                .getString("expiresAt")));
        assertThat(permitted(patient.id(), doctor.id(), "IMAGING", null), equalTo(true));
        assertThat(permitted(patient.id(), doctor.id(), null, null), equalTo(true));
        assertThat(permitted(patient.id(), doctor.id(), "PRESCRIPTION", null), equalTo(false));
        assertThat(permitted(patient.id(), doctor.id(), null, UUID.randomUUID()), equalTo(false));
        assertThat(permitted(patient.id(), Parties.practitioner().id(), "LAB_RESULT", null), equalTo(false));
        assertThat(TestChain.registry().isPermitted(hex(patient.chainId()),
                hex(outbox.of(consentId, GrantConsent.class).get(0).granteeChainId()),
                hex(outbox.of(consentId, GrantConsent.class).get(0).scopeHash())).send(), equalTo(true));

        // Revocation: no longer permitted the moment it is asked for, REVOKED once confirmed on chain.
        ConsentApi.revokeWithWallet(patient, wallet, consentId).then().log().ifValidationFails().statusCode(202)
                .body("status", equalTo("REVOKING"));
        assertThat(permitted(patient.id(), doctor.id(), "LAB_RESULT", null), equalTo(false));
        given().header("Authorization", patient.bearer()).delete("/api/consents/" + consentId)
                .then().statusCode(202).body("status", equalTo("REVOKING")); // asking again changes nothing
        List<RevokeConsent> revocations = outbox.of(consentId, RevokeConsent.class);
        assertThat(revocations, hasSize(1));
        SentTx revoked = TestChain.relay(revocations.get(0));
        TestChain.anvil.mine(2);
        Poll.until(MIRROR, () -> status(patient, consentId), "REVOKED"::equals, "REVOKED");
        ConsentApi.get(patient, consentId).then()
                .body("revocationTransactionHash", equalTo(revoked.hash()))
                .body("transactionHash", equalTo(granted.hash()));
        assertThat(outbox.of(consentId, ConsentRevoked.class), hasSize(1));
        assertThat(permitted(patient.id(), doctor.id(), null, null), equalTo(false));

        // Final once the chain's finalized block passes the revocation's.
        ConsentApi.get(patient, consentId).then().body("finalized", equalTo(false));
        TestChain.anvil.mine(70);
        Poll.until(MIRROR, () -> ConsentApi.get(patient, consentId).jsonPath().getBoolean("finalized"),
                Boolean.TRUE::equals, "finalized");
    }

    @Test
    void aRecordScopedGrantCoversExactlyItsRecords() throws Exception {
        Party patient = Parties.patient();
        Party clinicDoctor = Parties.practitioner();
        ECKeyPair wallet = Keys.createEcKeyPair();
        TestChain.registerController(patient.chainId(), "0x" + Keys.getAddress(wallet));
        UUID record = UUID.randomUUID();
        UUID otherRecord = UUID.randomUUID();
        UUID consentId = UUID.fromString(ConsentApi.createWithWallet(patient, wallet,
                        grant(clinicDoctor.id(), Map.of("recordIds", List.of(record.toString()))))
                .then().statusCode(202).extract().jsonPath().getString("consentId"));
        TestChain.relay(outbox.of(consentId, GrantConsent.class).get(0));
        TestChain.anvil.mine(2);
        Poll.until(MIRROR, () -> status(patient, consentId), "ACTIVE"::equals, "ACTIVE");

        assertThat(permitted(patient.id(), clinicDoctor.id(), null, record), equalTo(true));
        assertThat(permitted(patient.id(), clinicDoctor.id(), "IMAGING", record), equalTo(true));
        assertThat(permitted(patient.id(), clinicDoctor.id(), null, otherRecord), equalTo(false));
        assertThat(permitted(patient.id(), clinicDoctor.id(), "IMAGING", null), equalTo(false));
    }

    private static byte[] hex(String value) {
        return org.web3j.utils.Numeric.hexStringToByteArray(value);
    }
}
