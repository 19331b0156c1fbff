package health.ehr.anchor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.ehr.anchor.testing.EventBus;
import health.ehr.anchor.testing.TestChain;
import health.ehr.contracts.ConsentTypedData;
import health.ehr.contracts.NetworkIds;
import health.ehr.contracts.generated.ConsentRegistry;
import health.ehr.events.CloudEvent;
import health.ehr.events.EventCodec;
import health.ehr.events.EventData;
import health.ehr.events.Ids;
import health.ehr.events.Topics;
import health.ehr.events.anchor.ChainTransactionFailed;
import health.ehr.events.anchor.PatientRegisteredOnChain;
import health.ehr.events.chain.GrantConsent;
import health.ehr.events.chain.RegisterPatient;
import health.ehr.events.chain.RevokeConsent;
import health.ehr.support.messaging.KafkaClients;
import health.ehr.support.testing.Anvil;
import health.ehr.support.testing.Poll;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import health.ehr.anchor.testing.ConsumerWarmup;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

/**
 * Chain commands from Kafka to the chain and back: a registration and a grant signed by the
 * patient's controller end up on chain in order, a forged grant is refused by the pre-flight with
 * the contract's decoded reason and never becomes a transaction, and a malformed command is parked
 * in the DLQ with its reason.
 */
@QuarkusTest
@WithTestResource(TestChain.class)
class ChainCommandRelayTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Inject
    KafkaClients clients;
    @Inject
    EntityManager em;
    @Inject
    health.ehr.anchor.config.AnchorConfig config;

    @BeforeEach
    void consumerReady() throws Exception {
        ConsumerWarmup.ensure(clients, em);
    }

    @Test
    void aRegistrationAndAGrantRightBehindItReachTheChainInOrder() throws Exception {
        try (EventBus bus = new EventBus(clients); EventBus.Reader anchorTopic = bus.readerAtEnd(Topics.ANCHOR);
                Anvil anvil = Anvil.shared()) {
            Patient patient = new Patient();
            byte[] grantee = random32();
            byte[] scope = random32();
            long expiresAt = latestTimestamp(anvil) + 3600;
            byte[] signature = ConsentTypedData.sign(typedData().grantDigest(patient.chainId, grantee, scope, expiresAt,
                    BigInteger.ZERO), patient.controller);
            bus.publish(patient.register());
            // Published before the registration is mined: the relay holds it until then.
            bus.publish(new GrantConsent(UUID.randomUUID(), UUID.randomUUID(), patient.id, hex(patient.chainId),
                    hex(grantee), hex(scope), expiresAt, "0", hex(signature)));

            List<CloudEvent<EventData>> registered = awaitEvents(anchorTopic, anvil, e ->
                    e.data() instanceof PatientRegisteredOnChain r && r.patientId().equals(patient.id));
            PatientRegisteredOnChain event = (PatientRegisteredOnChain) registered.get(0).data();
            assertEquals(hex(patient.chainId), event.chainId());
            assertEquals(patient.address(), event.controllerAddress());
            assertTrue(event.transactionHash().startsWith("0x"));
            ConsentRegistry consents = consents(anvil);
            Poll.until("the grant is on chain", DEADLINE,
                    () -> consents.isPermitted(patient.chainId, grantee, scope).send(), () -> anvil.mine(1));

            // And its revocation, signed with the next nonce.
            byte[] revokeSig = ConsentTypedData.sign(typedData().revokeDigest(patient.chainId, grantee, scope,
                    BigInteger.ONE), patient.controller);
            bus.publish(new RevokeConsent(UUID.randomUUID(), UUID.randomUUID(), patient.id, hex(patient.chainId),
                    hex(grantee), hex(scope), "1", hex(revokeSig)));
            Poll.until("the revocation is on chain", DEADLINE,
                    () -> !consents.isPermitted(patient.chainId, grantee, scope).send(), () -> anvil.mine(1));
        }
    }

    @Test
    void aRemoteGrantAndItsRevocationReachTheChainThroughTheRemotePath() throws Exception {
        try (EventBus bus = new EventBus(clients); EventBus.Reader anchorTopic = bus.readerAtEnd(Topics.ANCHOR);
                Anvil anvil = Anvil.shared()) {
            Patient patient = new Patient();
            byte[] organization = NetworkIds.organizationId("hospital-b");
            byte[] grantee = NetworkIds.remoteGranteeId(organization, UUID.randomUUID());
            byte[] scope = random32();
            long expiresAt = latestTimestamp(anvil) + 3600;
            byte[] signature = ConsentTypedData.sign(typedData().grantRemoteDigest(patient.chainId, organization,
                    grantee, scope, expiresAt, BigInteger.ZERO), patient.controller);
            bus.publish(patient.register());
            bus.publish(new GrantConsent(UUID.randomUUID(), UUID.randomUUID(), patient.id, hex(patient.chainId),
                    hex(grantee), hex(scope), expiresAt, "0", hex(signature), hex(organization)));
            awaitEvents(anchorTopic, anvil, e ->
                    e.data() instanceof PatientRegisteredOnChain r && r.patientId().equals(patient.id));
            ConsentRegistry consents = consents(anvil);
            Poll.until("the remote grant is on chain", DEADLINE,
                    () -> consents.isPermittedRemote(patient.chainId, organization, grantee, scope).send(),
                    () -> anvil.mine(1));
            assertTrue(!consents.isPermitted(patient.chainId, grantee, scope).send(), "not a local grant");

            byte[] revokeSig = ConsentTypedData.sign(typedData().revokeRemoteDigest(patient.chainId, organization,
                    grantee, scope, BigInteger.ONE), patient.controller);
            bus.publish(new RevokeConsent(UUID.randomUUID(), UUID.randomUUID(), patient.id, hex(patient.chainId),
                    hex(grantee), hex(scope), "1", hex(revokeSig), hex(organization)));
            Poll.until("the remote revocation is on chain", DEADLINE,
                    () -> !consents.isPermittedRemote(patient.chainId, organization, grantee, scope).send(),
                    () -> anvil.mine(1));
        }
    }

    @Test
    void aForgedGrantIsRefusedWithTheDecodedReasonAndNeverSent() throws Exception {
        try (EventBus bus = new EventBus(clients); EventBus.Reader anchorTopic = bus.readerAtEnd(Topics.ANCHOR);
                Anvil anvil = Anvil.shared()) {
            Patient patient = new Patient();
            bus.publish(patient.register());
            awaitEvents(anchorTopic, anvil, e -> e.data() instanceof PatientRegisteredOnChain r
                    && r.patientId().equals(patient.id));
            ECKeyPair forger = Keys.createEcKeyPair();
            byte[] grantee = random32();
            byte[] scope = random32();
            long expiresAt = latestTimestamp(anvil) + 3600;
            byte[] forged = ConsentTypedData.sign(typedData().grantDigest(patient.chainId, grantee, scope, expiresAt,
                    BigInteger.ZERO), forger);
            UUID commandId = UUID.randomUUID();
            UUID consentId = UUID.randomUUID();
            bus.publish(new GrantConsent(commandId, consentId, patient.id, hex(patient.chainId), hex(grantee),
                    hex(scope), expiresAt, "0", hex(forged)));

            ChainTransactionFailed failed = (ChainTransactionFailed) awaitEvents(anchorTopic, anvil,
                    e -> e.data() instanceof ChainTransactionFailed f && f.commandId().equals(commandId)).get(0).data();
            assertEquals("GrantConsent", failed.commandType());
            assertEquals(consentId, failed.subjectId());
            assertEquals(patient.id, failed.patientId());
            assertTrue(failed.reason().startsWith("ConsentRegistryInvalidSigner(0x" + Keys.getAddress(forger)),
                    failed.reason());
            assertTrue(failed.reason().contains(patient.address()), failed.reason());
            assertNull(failed.transactionHash(), "refused before sending");
            long transactions = QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                    "SELECT COUNT(*) FROM chain_tx WHERE subject_id = ?1")
                    .setParameter(1, Ids.bytes(commandId)).getSingleResult()).longValue());
            assertEquals(0, transactions, "a refused command costs no gas");
            assertEquals(BigInteger.ZERO, consents(anvil).nonces(patient.chainId).send());
        }
    }

    @Test
    void aDecodableButMalformedCommandIsParkedInTheDeadLetterQueueWithItsReason() throws Exception {
        try (EventBus bus = new EventBus(clients);
                EventBus.Reader dlq = bus.readerAtEnd(Topics.dlq(Topics.CHAIN_COMMANDS))) {
            UUID commandId = UUID.randomUUID();
            CloudEvent<GrantConsent> bad = bus.publish(new GrantConsent(commandId, UUID.randomUUID(), UUID.randomUUID(),
                    hex(random32()), hex(random32()), hex(random32()), 4_000_000_000L, "0", "0x" + "ab".repeat(64)));

            ConsumerRecord<String, byte[]> parked = dlq.awaitRaw(r -> new String(r.value(), StandardCharsets.UTF_8)
                    .contains(bad.id()), DEADLINE);
            String reason = new String(parked.headers().lastHeader("ehr-dlq-reason").value(), StandardCharsets.UTF_8);
            assertTrue(reason.contains("signature must be 65 bytes"), reason);
            assertEquals(commandId, ((GrantConsent) new EventCodec().read(parked.value()).data()).commandId());
            long stored = QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                    "SELECT COUNT(*) FROM chain_command WHERE command_id = ?1")
                    .setParameter(1, Ids.bytes(commandId)).getSingleResult()).longValue());
            assertEquals(0, stored);
        }
    }

    private static List<CloudEvent<EventData>> awaitEvents(EventBus.Reader reader, Anvil anvil,
            java.util.function.Predicate<CloudEvent<EventData>> match) throws Exception {
        List<CloudEvent<EventData>> found = new java.util.ArrayList<>();
        Poll.until("a matching event", DEADLINE, () -> {
            found.addAll(reader.await(match, 1, Duration.ofMillis(300)));
            return !found.isEmpty();
        }, () -> anvil.mine(1));
        return found;
    }

    private ConsentTypedData typedData() {
        return new ConsentTypedData(31337, config.contracts().consentRegistry());
    }

    private ConsentRegistry consents(Anvil anvil) {
        return ConsentRegistry.load(config.contracts().consentRegistry(), anvil.web3j(),
                new ReadonlyTransactionManager(anvil.web3j(), TestChain.ACCOUNT_8), new DefaultGasProvider());
    }

    private static long latestTimestamp(Anvil anvil) throws Exception {
        return anvil.web3j().ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock()
                .getTimestamp().longValueExact();
    }

    static byte[] random32() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return b;
    }

    static String hex(byte[] b) {
        return Numeric.toHexString(b);
    }

    /** A patient with a fresh controller key and pseudonymous id. */
    static final class Patient {
        final UUID id = UUID.randomUUID();
        final byte[] chainId = random32();
        final ECKeyPair controller;

        Patient() throws Exception {
            controller = Keys.createEcKeyPair();
        }

        String address() {
            return Credentials.create(controller).getAddress().toLowerCase();
        }

        RegisterPatient register() {
            return new RegisterPatient(UUID.randomUUID(), id, hex(chainId), address());
        }
    }
}
