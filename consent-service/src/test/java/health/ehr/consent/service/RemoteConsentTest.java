package health.ehr.consent.service;

import static health.ehr.consent.testing.ConsentApi.create;
import static health.ehr.consent.testing.ConsentApi.grant;
import static health.ehr.consent.testing.ConsentApi.status;
import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import health.ehr.consent.testing.ConsentApi;
import health.ehr.consent.testing.OutboxRows;
import health.ehr.consent.testing.Parties;
import health.ehr.consent.testing.Parties.Party;
import health.ehr.consent.testing.TestChain;
import health.ehr.consent.testing.TestChain.SentTx;
import health.ehr.contracts.NetworkIds;
import health.ehr.contracts.generated.ConsentRegistry;
import health.ehr.events.chain.GrantConsent;
import health.ehr.events.chain.RevokeConsent;
import health.ehr.support.testing.Poll;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * A consent naming a grantee of another installation (issue 17): the chain record names both the
 * organisation and the grantee, it goes PENDING → ACTIVE → REVOKING → REVOKED through the same
 * mirror as a local one, and an unknown or suspended organisation is refused with a field error.
 */
@QuarkusTest
@WithTestResource(TestChain.class)
class RemoteConsentTest {

    private static final Duration MIRROR = Duration.ofSeconds(15);

    @Inject
    OutboxRows outbox;

    @Test
    void aRemoteGrantNamesOrganisationAndGranteeOnChainAndGoesActiveThenRevoked() throws Exception {
        Party patient = Parties.patient();
        ECKeyPair wallet = Keys.createEcKeyPair();
        TestChain.registerController(patient.chainId(), "0x" + Keys.getAddress(wallet));
        String organization = TestChain.admitOrganization("hospital-b-" + UUID.randomUUID(), false);
        UUID remoteDoctor = UUID.randomUUID(); // a practitioner of hospital B: unknown to this installation
        String remoteChainId = Numeric.toHexString(
                NetworkIds.remoteGranteeId(Numeric.hexStringToByteArray(organization), remoteDoctor));
        Map<String, Object> body = remote(grant(remoteDoctor), organization);

        JsonPath typed = given().header("Authorization", patient.bearer()).contentType(ContentType.JSON).body(body)
                .post("/api/consents/typed-data").then().log().ifValidationFails().statusCode(200)
                .body("granteeOrganizationId", equalTo(organization))
                .body("granteeChainId", equalTo(remoteChainId))
                .body("typedData.primaryType", equalTo("GrantRemote"))
                .body("typedData.message.granteeOrganizationId", equalTo(organization))
                .extract().jsonPath();
        assertThat(typed.getString("kind"), equalTo("GRANT"));

        UUID consentId = UUID.fromString(ConsentApi.createWithWallet(patient, wallet, body)
                .then().log().ifValidationFails().statusCode(202)
                .body("status", equalTo("PENDING"))
                .body("granteeId", equalTo(remoteDoctor.toString()))
                .body("granteeOrganizationId", equalTo(organization))
                .extract().jsonPath().getString("consentId"));
        GrantConsent command = outbox.of(consentId, GrantConsent.class).get(0);
        assertThat(command.granteeOrganizationId(), equalTo(organization));
        assertThat(command.granteeChainId(), equalTo(remoteChainId));

        SentTx granted = TestChain.relay(command);
        TransactionReceipt receipt = TestChain.web3j().ethGetTransactionReceipt(granted.hash()).send()
                .getTransactionReceipt().orElseThrow();
        Log log = receipt.getLogs().get(0);
        ConsentRegistry.ConsentGrantedRemoteEventResponse event =
                ConsentRegistry.getConsentGrantedRemoteEventFromLog(log);
        assertThat(Numeric.toHexString(event.granteeOrganizationId), equalTo(organization));
        assertThat(Numeric.toHexString(event.granteeId), equalTo(remoteChainId));
        assertThat(Numeric.toHexString(event.patientId), equalTo(patient.chainId().toLowerCase()));
        assertThat("the grantee organisation is the first indexed topic", log.getTopics().get(1),
                equalTo(organization));

        TestChain.anvil.mine(2);
        Poll.until(MIRROR, () -> status(patient, consentId), "ACTIVE"::equals, "ACTIVE at depth 2");
        ConsentApi.get(patient, consentId).then().statusCode(200)
                .body("transactionHash", equalTo(granted.hash()))
                .body("granteeOrganizationId", equalTo(organization));
        byte[] patientId = Numeric.hexStringToByteArray(patient.chainId());
        byte[] org = Numeric.hexStringToByteArray(organization);
        byte[] grantee = Numeric.hexStringToByteArray(remoteChainId);
        byte[] scope = Numeric.hexStringToByteArray(command.scopeHash());
        assertThat(TestChain.registry().isPermittedRemote(patientId, org, grantee, scope).send(), equalTo(true));
        assertThat(TestChain.registry().isPermitted(patientId, grantee, scope).send(), equalTo(false));
        // consent-service's check answers for readers of this installation: an ACTIVE consent naming a
        // party of another organisation never permits a read here, whatever that party's id.
        assertThat(ConsentApi.permitted(patient.id(), remoteDoctor, "LAB_RESULT", null), equalTo(false));

        ConsentApi.revokeWithWallet(patient, wallet, consentId).then().log().ifValidationFails().statusCode(202)
                .body("status", equalTo("REVOKING"));
        List<RevokeConsent> revocations = outbox.of(consentId, RevokeConsent.class);
        assertThat(revocations, hasSize(1));
        assertThat(revocations.get(0).granteeOrganizationId(), equalTo(organization));
        SentTx revoked = TestChain.relay(revocations.get(0));
        TestChain.anvil.mine(2);
        Poll.until(MIRROR, () -> status(patient, consentId), "REVOKED"::equals, "REVOKED");
        ConsentApi.get(patient, consentId).then().body("revocationTransactionHash", equalTo(revoked.hash()));
        assertThat(TestChain.registry().isPermittedRemote(patientId, org, grantee, scope).send(), equalTo(false));
    }

    @Test
    void anUnknownSuspendedOrMalformedOrganisationIsRefusedWithAFieldError() throws Exception {
        Party patient = Parties.patient();
        UUID remoteDoctor = UUID.randomUUID();
        String unknown = Numeric.toHexString(NetworkIds.organizationId("never-admitted-" + UUID.randomUUID()));
        String suspended = TestChain.admitOrganization("hospital-s-" + UUID.randomUUID(), true);
        for (String organization : List.of(unknown, suspended, "0x1234")) {
            create(patient, remote(grant(remoteDoctor), organization)).then().log().ifValidationFails()
                    .statusCode(400).contentType("application/problem+json")
                    .body("errors.field", hasItem("granteeOrganizationId"));
        }
    }

    @Test
    void thisInstallationsOwnOrganisationIdMakesALocalConsent() throws Exception {
        Party patient = Parties.patient();
        Party doctor = Parties.practitioner();
        ECKeyPair wallet = Keys.createEcKeyPair();
        TestChain.registerController(patient.chainId(), "0x" + Keys.getAddress(wallet));
        Map<String, Object> body = remote(grant(doctor.id()), TestChain.deployment.organizationId());
        UUID consentId = UUID.fromString(ConsentApi.createWithWallet(patient, wallet, body)
                .then().log().ifValidationFails().statusCode(202)
                .body("granteeOrganizationId", nullValue())
                .extract().jsonPath().getString("consentId"));
        GrantConsent command = outbox.of(consentId, GrantConsent.class).get(0);
        assertThat(command.granteeOrganizationId(), nullValue());
        assertThat(command.granteeChainId(), equalTo(Parties.chainIdOf(doctor.id()).toLowerCase()));
        TestChain.relay(command);
        TestChain.anvil.mine(2);
        Poll.until(MIRROR, () -> status(patient, consentId), "ACTIVE"::equals, "ACTIVE");
    }

    private static Map<String, Object> remote(Map<String, Object> grant, String organization) {
        Map<String, Object> body = new HashMap<>(grant);
        body.put("granteeOrganizationId", organization);
        return body;
    }
}
