package health.ehr.contracts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.ehr.contracts.ContractDeployer.Deployment;
import health.ehr.contracts.ContractDeployer.Settings;
import health.ehr.contracts.bench.NaiveHashStore;
import health.ehr.contracts.generated.AnchorRegistry;
import health.ehr.contracts.generated.ConsentRegistry;
import health.ehr.contracts.generated.OrganizationRegistry;
import health.ehr.contracts.generated.PatientRegistry;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;
import org.web3j.protocol.http.HttpService;
import org.web3j.tuples.generated.Tuple2;
import org.web3j.tuples.generated.Tuple3;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.StaticEIP1559GasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * The contracts on a real chain (anvil at EHR_CHAIN_RPC_URL, provided by the local stack):
 * deployment, EIP-712 consents signed in Java, custom errors, and gas figures.
 *
 * <p>Uses anvil's account 9 for everything it sends (deployer and writer): accounts 0 and 1 belong
 * to the running platform, and sharing a key would break their nonces.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContractsIT {

    /** anvil dev account 9: public knowledge, local chains only. */
    private static final String ACCOUNT_9_KEY = "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6";
    private static final String ACCOUNT_9 = "0xa0ee7a142d267c1f36714e4a8f75612f20a79720";
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    static Path dir;

    private Settings settings;
    private Web3j web3j;
    private Path envFile;
    private Deployment deployment;
    private final List<String> firstDeployLog = new ArrayList<>();
    private PatientRegistry patients;
    private ConsentRegistry consents;
    private AnchorRegistry anchors;
    private TransactionManager transactions;
    private ContractGasProvider gas;
    private ConsentTypedData typedData;

    @BeforeAll
    void deploy() throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("EHR_CHAIN_DEPLOYER_KEY", ACCOUNT_9_KEY);
        env.put("EHR_CHAIN_WRITER_ADDRESS", ACCOUNT_9);
        settings = Settings.fromEnvironment(env);
        web3j = Web3j.build(new HttpService(settings.rpcUrl()));
        try {
            web3j.ethChainId().send();
        } catch (IOException e) {
            throw new IllegalStateException("no Ethereum node at " + settings.rpcUrl()
                    + ": start the local stack (deploy/local/platform up infra) or skip with -DskipITs", e);
        }

        envFile = dir.resolve("contracts.env");
        deployment = new ContractDeployer(settings, line -> {
            firstDeployLog.add(line);
            System.out.println("deploy: " + line);
        }).deploy(envFile);

        transactions = new RawTransactionManager(web3j, Credentials.create(ACCOUNT_9_KEY), settings.chainId(),
                new PollingTransactionReceiptProcessor(web3j, 100, 600));
        BigInteger baseFee = web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send()
                .getBlock().getBaseFeePerGas();
        BigInteger tip = web3j.ethMaxPriorityFeePerGas().send().getMaxPriorityFeePerGas();
        gas = new StaticEIP1559GasProvider(settings.chainId(), baseFee.shiftLeft(2).add(tip), tip,
                BigInteger.valueOf(1_000_000));
        patients = PatientRegistry.load(deployment.patientRegistry(), web3j, transactions, gas);
        consents = ConsentRegistry.load(deployment.consentRegistry(), web3j, transactions, gas);
        anchors = AnchorRegistry.load(deployment.anchorRegistry(), web3j, transactions, gas);
        typedData = new ConsentTypedData(settings.chainId(), deployment.consentRegistry());
    }

    @AfterAll
    void close() {
        if (web3j != null) {
            web3j.shutdown();
        }
    }

    @Test
    void deployerWritesLowerCaseEnvLinesAndAJsonTwinForLiveContracts() throws Exception {
        List<String> lines = Files.readAllLines(envFile);
        assertEquals(6, lines.size());
        assertTrue(lines.get(0).matches("EHR_CONTRACTS_PATIENT_REGISTRY=0x[0-9a-f]{40}"), lines.get(0));
        assertTrue(lines.get(1).matches("EHR_CONTRACTS_CONSENT_REGISTRY=0x[0-9a-f]{40}"), lines.get(1));
        assertTrue(lines.get(2).matches("EHR_CONTRACTS_ANCHOR_REGISTRY=0x[0-9a-f]{40}"), lines.get(2));
        assertEquals("EHR_CHAIN_ID=" + settings.chainId(), lines.get(3));

        JsonNode json = new ObjectMapper().readTree(dir.resolve("contracts.json").toFile());
        assertEquals(deployment.consentRegistry(), json.path("consentRegistry").asText());
        assertEquals(settings.chainId(), json.path("chainId").asLong());

        for (String address : List.of(deployment.patientRegistry(), deployment.consentRegistry(),
                deployment.anchorRegistry())) {
            String code = web3j.ethGetCode(address, DefaultBlockParameterName.LATEST).send().getCode();
            assertTrue(code.length() > 2, "code at " + address);
        }
        assertEquals(deployment.patientRegistry(), consents.patientRegistry().send().toLowerCase());
        assertTrue(firstDeployLog.stream().anyMatch(l -> l.startsWith("deployed ConsentRegistry at 0x")));
    }

    @Test
    void writerHoldsTheRegistrarAndAnchorerRolesAndTheDeployerTheAdminRole() throws Exception {
        assertTrue(patients.hasRole(patients.REGISTRAR_ROLE().send(), ACCOUNT_9).send());
        assertTrue(anchors.hasRole(anchors.ANCHORER_ROLE().send(), ACCOUNT_9).send());
        assertTrue(anchors.hasRole(anchors.DEFAULT_ADMIN_ROLE().send(), ACCOUNT_9).send());
        assertFalse(anchors.hasRole(anchors.ANCHORER_ROLE().send(), "0x70997970c51812dc3a010c7d01b50e0d17dc79c8")
                .send());
    }

    @Test
    void secondDeploymentChangesNothing() throws Exception {
        BigInteger nonceBefore = accountNonce();
        List<String> log = new ArrayList<>();
        Deployment again = new ContractDeployer(settings, log::add).deploy(envFile);
        assertEquals(deployment, again);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("contracts already deployed")), log.toString());
        assertEquals(nonceBefore, accountNonce(), "no transaction sent");
    }

    @Test
    void grantSignedInJavaIsAcceptedAndItsRevocationEndsIt() throws Exception {
        ECKeyPair controller = Keys.createEcKeyPair();
        byte[] patientId = randomBytes32();
        byte[] granteeId = randomBytes32();
        byte[] scopeHash = randomBytes32();
        register(patientId, controller);
        long expiresAt = latestTimestamp() + 3600;

        byte[] grantDigest = typedData.grantDigest(patientId, granteeId, scopeHash, expiresAt, BigInteger.ZERO);
        assertArrayEquals(consents.grantDigest(patientId, granteeId, scopeHash, BigInteger.valueOf(expiresAt),
                BigInteger.ZERO).send(), grantDigest, "Java digest equals the contract's grantDigest");

        TransactionReceipt granted = consents.grantWithSig(patientId, granteeId, scopeHash,
                BigInteger.valueOf(expiresAt), BigInteger.ZERO, ConsentTypedData.sign(grantDigest, controller)).send();
        ConsentRegistry.ConsentGrantedEventResponse event = ConsentRegistry.getConsentGrantedEvents(granted).get(0);
        assertArrayEquals(patientId, event.patientId);
        assertEquals(BigInteger.valueOf(expiresAt), event.expiresAt);
        assertTrue(consents.isPermitted(patientId, granteeId, scopeHash).send());
        Tuple2<BigInteger, Boolean> consent = consents.consentOf(patientId, granteeId, scopeHash).send();
        assertEquals(BigInteger.valueOf(expiresAt), consent.component1());
        assertTrue(consent.component2());
        assertEquals(BigInteger.ONE, consents.nonces(patientId).send());

        byte[] revokeDigest = typedData.revokeDigest(patientId, granteeId, scopeHash, BigInteger.ONE);
        assertArrayEquals(consents.revokeDigest(patientId, granteeId, scopeHash, BigInteger.ONE).send(), revokeDigest);
        TransactionReceipt revoked = consents.revokeWithSig(patientId, granteeId, scopeHash, BigInteger.ONE,
                ConsentTypedData.sign(revokeDigest, controller)).send();
        assertEquals(1, ConsentRegistry.getConsentRevokedEvents(revoked).size());
        assertFalse(consents.isPermitted(patientId, granteeId, scopeHash).send());
        assertFalse(consents.consentOf(patientId, granteeId, scopeHash).send().component2());

        byte[] otherGrantee = randomBytes32();
        TransactionReceipt later = consents.grantWithSig(patientId, otherGrantee, scopeHash,
                BigInteger.valueOf(expiresAt), BigInteger.TWO, ConsentTypedData.sign(
                        typedData.grantDigest(patientId, otherGrantee, scopeHash, expiresAt, BigInteger.TWO),
                        controller)).send();
        assertTrue(consents.isPermitted(patientId, otherGrantee, scopeHash).send());
        System.out.printf("gas: grantWithSig %s (patient's first), %s (later); revokeWithSig %s%n",
                granted.getGasUsed(), later.getGasUsed(), revoked.getGasUsed());
    }

    @Test
    void deployerAdmitsTheInstallationToItsOrganizationRegistryWithItsRegistries() throws Exception {
        assertEquals(Numeric.toHexString(NetworkIds.organizationId("hospital-a")), deployment.organizationId());
        OrganizationRegistry organizations = OrganizationRegistry.load(deployment.organizationRegistry(), web3j,
                transactions, gas);
        assertTrue(organizations.hasRole(organizations.GOVERNOR_ROLE().send(), ACCOUNT_9).send());
        OrganizationRegistry.Organization entry =
                organizations.organization(Numeric.hexStringToByteArray(deployment.organizationId())).send();
        assertEquals("hospital-a", entry.name);
        assertEquals("http://localhost:8080/exchange/v1", entry.endpoint);
        assertEquals(BigInteger.ONE, entry.status, "ACTIVE");
        assertEquals(deployment.patientRegistry(), entry.patientRegistry.toLowerCase());
        assertEquals(deployment.consentRegistry(), entry.consentRegistry.toLowerCase());
        assertEquals(deployment.anchorRegistry(), entry.anchorRegistry.toLowerCase());
        assertEquals(ACCOUNT_9, entry.controller.toLowerCase());
        OrganizationEntry raw = OrganizationEntry.read(web3j, deployment.organizationRegistry(),
                Numeric.hexStringToByteArray(deployment.organizationId()));
        assertEquals(OrganizationEntry.ACTIVE, raw.status());
        assertEquals("hospital-a", raw.name());
        assertEquals("http://localhost:8080/exchange/v1", raw.endpoint());
        assertEquals(deployment.consentRegistry(), raw.consentRegistry());
        assertEquals(ACCOUNT_9, raw.controller());
        assertEquals(ACCOUNT_9, raw.signer(), "placeholder signer: the controller");
        assertEquals(entry.updatedAt.longValueExact(), raw.updatedAt());
        List<String> lines = Files.readAllLines(envFile);
        assertEquals("ORGANIZATION_REGISTRY=" + deployment.organizationRegistry(), lines.get(4));
        assertEquals("ORGANIZATION_ID=" + deployment.organizationId(), lines.get(5));
    }

    @Test
    void remoteGrantSignedInJavaNamesOrganisationAndGranteeAndItsRevocationEndsIt() throws Exception {
        ECKeyPair controller = Keys.createEcKeyPair();
        byte[] patientId = randomBytes32();
        byte[] organizationId = NetworkIds.organizationId("hospital-b");
        byte[] granteeId = NetworkIds.remoteGranteeId(organizationId, java.util.UUID.randomUUID());
        byte[] scopeHash = randomBytes32();
        register(patientId, controller);
        long expiresAt = latestTimestamp() + 3600;

        byte[] digest = typedData.grantRemoteDigest(patientId, organizationId, granteeId, scopeHash, expiresAt,
                BigInteger.ZERO);
        assertArrayEquals(consents.grantRemoteDigest(patientId, organizationId, granteeId, scopeHash,
                BigInteger.valueOf(expiresAt), BigInteger.ZERO).send(), digest);
        TransactionReceipt granted = consents.grantRemoteWithSig(patientId, organizationId, granteeId, scopeHash,
                BigInteger.valueOf(expiresAt), BigInteger.ZERO, ConsentTypedData.sign(digest, controller)).send();
        ConsentRegistry.ConsentGrantedRemoteEventResponse event =
                ConsentRegistry.getConsentGrantedRemoteEvents(granted).get(0);
        assertArrayEquals(organizationId, event.granteeOrganizationId);
        assertArrayEquals(granteeId, event.granteeId);
        assertArrayEquals(patientId, event.patientId);
        assertEquals(Numeric.toHexString(organizationId), granted.getLogs().get(0).getTopics().get(1),
                "the grantee organisation is the first indexed topic");
        assertTrue(consents.isPermittedRemote(patientId, organizationId, granteeId, scopeHash).send());
        assertFalse(consents.isPermitted(patientId, granteeId, scopeHash).send());

        byte[] revokeDigest = typedData.revokeRemoteDigest(patientId, organizationId, granteeId, scopeHash,
                BigInteger.ONE);
        TransactionReceipt revoked = consents.revokeRemoteWithSig(patientId, organizationId, granteeId, scopeHash,
                BigInteger.ONE, ConsentTypedData.sign(revokeDigest, controller)).send();
        assertEquals(1, ConsentRegistry.getConsentRevokedRemoteEvents(revoked).size());
        assertFalse(consents.isPermittedRemote(patientId, organizationId, granteeId, scopeHash).send());
        System.out.printf("gas: grantRemoteWithSig %s (patient's first); revokeRemoteWithSig %s%n",
                granted.getGasUsed(), revoked.getGasUsed());
    }

    @Test
    void grantSignedByAnotherKeyIsRefusedNamingTheSignerAndTheController() throws Exception {
        ECKeyPair controller = Keys.createEcKeyPair();
        ECKeyPair forger = Keys.createEcKeyPair();
        byte[] patientId = randomBytes32();
        byte[] granteeId = randomBytes32();
        byte[] scopeHash = randomBytes32();
        register(patientId, controller);
        BigInteger expiresAt = BigInteger.valueOf(latestTimestamp() + 3600);
        byte[] forged = ConsentTypedData.sign(
                typedData.grantDigest(patientId, granteeId, scopeHash, expiresAt.longValueExact(), BigInteger.ZERO),
                forger);

        String call = consents.grantWithSig(patientId, granteeId, scopeHash, expiresAt, BigInteger.ZERO, forged)
                .encodeFunctionCall();
        ContractRevert revert = ContractRevert.preflight(web3j, ACCOUNT_9, deployment.consentRegistry(), call)
                .orElseThrow(() -> new AssertionError("a forged grant must revert"));
        assertEquals("ConsentRegistryInvalidSigner", revert.name());
        assertEquals(List.of("0x" + Keys.getAddress(forger), "0x" + Keys.getAddress(controller)), revert.values());

        // Sent anyway, it reverts on chain too and changes nothing.
        assertThrows(TransactionException.class, () -> consents.grantWithSig(patientId, granteeId, scopeHash,
                expiresAt, BigInteger.ZERO, forged).send());
        assertFalse(consents.isPermitted(patientId, granteeId, scopeHash).send());
        assertEquals(BigInteger.ZERO, consents.nonces(patientId).send());
    }

    @Test
    void replayedGrantIsRefusedWithTheExpectedNonce() throws Exception {
        ECKeyPair controller = Keys.createEcKeyPair();
        byte[] patientId = randomBytes32();
        byte[] granteeId = randomBytes32();
        byte[] scopeHash = randomBytes32();
        register(patientId, controller);
        long expiresAt = latestTimestamp() + 3600;
        byte[] signature = ConsentTypedData.sign(
                typedData.grantDigest(patientId, granteeId, scopeHash, expiresAt, BigInteger.ZERO), controller);
        consents.grantWithSig(patientId, granteeId, scopeHash, BigInteger.valueOf(expiresAt), BigInteger.ZERO,
                signature).send();

        String replay = consents.grantWithSig(patientId, granteeId, scopeHash, BigInteger.valueOf(expiresAt),
                BigInteger.ZERO, signature).encodeFunctionCall();
        ContractRevert revert = ContractRevert.preflight(web3j, ACCOUNT_9, deployment.consentRegistry(), replay)
                .orElseThrow();
        assertEquals("ConsentRegistryInvalidNonce", revert.name());
        assertEquals(BigInteger.ONE, revert.values().get(1));
    }

    @Test
    void anchoringOneRootCostsAboutAsMuchAsStoringOneHashNaively() throws Exception {
        NaiveHashStore naive = NaiveHashStore.deploy(web3j, transactions, gas).send();
        int samples = 3;
        BigInteger naiveGas = BigInteger.ZERO;
        BigInteger anchorGas = BigInteger.ZERO;
        for (int i = 0; i < samples; i++) {
            naiveGas = naiveGas.add(naive.storeHash(randomBytes32()).send().getGasUsed());
            anchorGas = anchorGas.add(anchors.anchor(randomBytes32(), BigInteger.valueOf(1000)).send().getGasUsed());
        }
        long perStore = naiveGas.longValueExact() / samples;
        long perAnchor = anchorGas.longValueExact() / samples;
        System.out.printf("gas: anchor(root, leafCount) %d per batch; naive storeHash(hash) %d per record%n",
                perAnchor, perStore);
        for (int records : new int[] {1, 100, 1000}) {
            System.out.printf("gas: %5d records -> anchored %,d (%.1f per record), naive %,d%n",
                    records, perAnchor, (double) perAnchor / records, (long) perStore * records);
        }
        assertTrue(perAnchor < 2 * perStore, "one anchor costs less than two naive writes");
    }

    @Test
    void aRootIsAnchoredOnceAndASecondAnchorIsRefused() throws Exception {
        byte[] root = randomBytes32();
        TransactionReceipt receipt = anchors.anchor(root, BigInteger.valueOf(42)).send();
        Tuple3<BigInteger, BigInteger, BigInteger> at = anchors.anchoredAt(root).send();
        assertEquals(receipt.getBlockNumber(), at.component2());
        assertEquals(BigInteger.valueOf(42), at.component3());
        assertEquals(1, AnchorRegistry.getAnchoredEvents(receipt).size());

        String again = anchors.anchor(root, BigInteger.ONE).encodeFunctionCall();
        ContractRevert revert = ContractRevert.preflight(web3j, ACCOUNT_9, deployment.anchorRegistry(), again)
                .orElseThrow();
        assertEquals("AnchorRegistryAlreadyAnchored", revert.name());
        assertArrayEquals(root, (byte[]) revert.values().get(0));
    }

    private void register(byte[] patientId, ECKeyPair controller) throws Exception {
        TransactionReceipt receipt = patients.register(patientId, "0x" + Keys.getAddress(controller)).send();
        assertEquals(1, PatientRegistry.getPatientRegisteredEvents(receipt).size());
        System.out.println("gas: register " + receipt.getGasUsed());
    }

    private long latestTimestamp() throws IOException {
        return web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock()
                .getTimestamp().longValueExact();
    }

    private BigInteger accountNonce() throws IOException {
        return web3j.ethGetTransactionCount(ACCOUNT_9, DefaultBlockParameterName.PENDING).send().getTransactionCount();
    }

    private static byte[] randomBytes32() {
        byte[] value = new byte[32];
        RANDOM.nextBytes(value);
        return value;
    }
}
