package health.ehr.consent.service;

import static health.ehr.consent.testing.ConsentApi.categories;
import static health.ehr.consent.testing.ConsentApi.created;
import static health.ehr.consent.testing.ConsentApi.grant;
import static health.ehr.consent.testing.ConsentApi.permitted;
import static health.ehr.consent.testing.ConsentApi.status;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import health.ehr.consent.testing.ConsentApi;
import health.ehr.consent.testing.OutboxRows;
import health.ehr.consent.testing.Parties;
import health.ehr.consent.testing.Parties.Party;
import health.ehr.consent.testing.TestChain;
import health.ehr.contracts.ContractRevert;
import health.ehr.events.CloudEvent;
import health.ehr.events.EventCodec;
import health.ehr.events.Topics;
import health.ehr.events.anchor.ChainTransactionFailed;
import health.ehr.events.chain.GrantConsent;
import health.ehr.events.chain.RevokeConsent;
import health.ehr.support.testing.Poll;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

/**
 * chain-anchor-service's ChainTransactionFailed, delivered through the local Kafka as it would
 * publish it: a refused grant turns FAILED with the reason, a refused revocation goes back to ACTIVE.
 */
@QuarkusTest
@WithTestResource(TestChain.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChainFailureTest {

    private static final Duration CONSUMER = Duration.ofSeconds(30);

    @Inject
    OutboxRows outbox;

    private final KafkaProducer<String, byte[]> kafka = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    System.getenv().getOrDefault("EHR_KAFKA_BOOTSTRAP", "localhost:9092"),
            ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    private final EventCodec codec = new EventCodec();

    @AfterAll
    void close() {
        kafka.close();
    }

    @Test
    void aForgedGrantTheChainRefusesTurnsFailedWithTheContractsReason() throws Exception {
        Party patient = Parties.patient();
        Party doctor = Parties.practitioner();
        // The patient's custodial key is their controller on this test chain too, but identity-service
        // signs for the EIP-712 domain of the local stack's ConsentRegistry: to this registry the
        // signature is a forgery, which only the chain can tell (consent-service relays it as signed).
        TestChain.registerController(patient.chainId(), patient.controllerAddress());
        UUID consentId = created(patient, grant(doctor.id(), categories("OTHER")));
        GrantConsent command = outbox.of(consentId, GrantConsent.class).get(0);
        String reason = preflight(command).orElseThrow(() -> new AssertionError("the forged grant was accepted"));
        assertThat(reason, containsString("ConsentRegistryInvalidSigner"));

        // A failure of some other command of this consent changes nothing.
        publish(new ChainTransactionFailed(UUID.randomUUID(), "GrantConsent", consentId, patient.id(), "stale", null));
        publish(new ChainTransactionFailed(command.commandId(), "GrantConsent", consentId, patient.id(), reason, null));

        Poll.until(CONSUMER, () -> status(patient, consentId), "FAILED"::equals, "FAILED");
        ConsentApi.get(patient, consentId).then().body("failureReason", equalTo(reason))
                .body("transactionHash", equalTo(null));
        assertThat(permitted(patient.id(), doctor.id(), "OTHER", null), equalTo(false));

        // The failed nonce is handed out again: the chain never used it.
        UUID next = created(patient, grant(doctor.id(), categories("OTHER")));
        assertThat(outbox.of(next, GrantConsent.class).get(0).nonce(), equalTo(command.nonce()));
    }

    @Test
    void aRefusedRevocationLeavesTheConsentActiveWithTheReason() throws Exception {
        Party patient = Parties.patient();
        Party doctor = Parties.practitioner();
        ECKeyPair wallet = Keys.createEcKeyPair();
        TestChain.registerController(patient.chainId(), "0x" + Keys.getAddress(wallet));
        UUID consentId = UUID.fromString(ConsentApi.createWithWallet(patient, wallet,
                grant(doctor.id(), categories("PRESCRIPTION"))).then().statusCode(202)
                .extract().jsonPath().getString("consentId"));
        TestChain.relay(outbox.of(consentId, GrantConsent.class).get(0));
        TestChain.anvil.mine(2);
        Poll.until(CONSUMER, () -> status(patient, consentId), "ACTIVE"::equals, "ACTIVE");

        ConsentApi.revokeWithWallet(patient, wallet, consentId).then().statusCode(202);
        RevokeConsent revoke = outbox.of(consentId, RevokeConsent.class).get(0);
        publish(new ChainTransactionFailed(revoke.commandId(), "RevokeConsent", consentId, patient.id(),
                "gave up after 5 attempts: node unreachable", null));

        Poll.until(CONSUMER, () -> status(patient, consentId), "ACTIVE"::equals, "ACTIVE again");
        ConsentApi.get(patient, consentId).then()
                .body("failureReason", equalTo("revocation failed: gave up after 5 attempts: node unreachable"));
        assertThat(permitted(patient.id(), doctor.id(), "PRESCRIPTION", null), equalTo(true));
        // The patient can ask again.
        ConsentApi.revokeWithWallet(patient, wallet, consentId).then().statusCode(202)
                .body("status", equalTo("REVOKING")).body("failureReason", equalTo(null));
    }

    /** The decoded revert of the grant, as chain-anchor-service's pre-flight reports it. */
    private static Optional<String> preflight(GrantConsent c) throws Exception {
        String data = TestChain.registry().grantWithSig(Numeric.hexStringToByteArray(c.patientChainId()),
                Numeric.hexStringToByteArray(c.granteeChainId()), Numeric.hexStringToByteArray(c.scopeHash()),
                BigInteger.valueOf(c.expiresAt()), new BigInteger(c.nonce()),
                Numeric.hexStringToByteArray(c.signature())).encodeFunctionCall();
        return ContractRevert.preflight(TestChain.web3j(), TestChain.account7.getAddress(),
                TestChain.deployment.consentRegistry(), data)
                .map(r -> r.name() + r.values().stream().map(String::valueOf)
                        .collect(java.util.stream.Collectors.joining(", ", "(", ")")));
    }

    private void publish(ChainTransactionFailed failure) throws Exception {
        CloudEvent<ChainTransactionFailed> event = CloudEvent.of("/chain-anchor-service", failure);
        kafka.send(new ProducerRecord<>(Topics.ANCHOR, failure.partitionKey(), codec.write(event)))
                .get(20, TimeUnit.SECONDS);
    }
}
