package health.ehr.consent.testing;

import static health.ehr.support.testing.LocalStack.env;

import health.ehr.contracts.ContractDeployer;
import health.ehr.contracts.ContractDeployer.Deployment;
import health.ehr.contracts.NetworkIds;
import health.ehr.contracts.generated.ConsentRegistry;
import health.ehr.contracts.generated.OrganizationRegistry;
import health.ehr.contracts.generated.PatientRegistry;
import health.ehr.events.chain.GrantConsent;
import health.ehr.events.chain.RevokeConsent;
import health.ehr.support.testing.Anvil;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

/**
 * What every test of this module runs against: a fresh {@code ehr_consent_test} schema (dropped, then
 * migrated by Flyway at start), identity-service on :8081 (started through
 * {@code deploy/local/platform up identity-service} when it does not answer), and a private anvil
 * with fresh PatientRegistry/ConsentRegistry/AnchorRegistry deployed by anvil's dev account 7, which
 * is also the registrar (so tests register patients' controllers themselves) and the relayer that
 * submits signed grants and revocations (chain-anchor-service's part, not run here).
 */
public class TestChain implements QuarkusTestResourceLifecycleManager {

    public static final long CHAIN_ID = 31337;
    private static final BigInteger GAS_LIMIT = BigInteger.valueOf(500_000);

    /** The running private node. */
    public static volatile Anvil anvil;
    /** The contracts deployed for this run. */
    public static volatile Deployment deployment;
    /** anvil's dev account 7 (key read from the node's banner): deployer, registrar and relayer. */
    public static volatile Credentials account7;

    /** A transaction the test sent: its hash, its signed bytes (to send again after a reorg) and its block. */
    public record SentTx(String hash, String raw, long blockNumber) {
    }

    @Override
    public Map<String, String> start() {
        try {
            LocalPlatform.ensureIdentityService();
            dropTestSchema();
            Path target = Files.createDirectories(LocalPlatform.root().resolve("consent-service/target"));
            Path dir = Files.createTempDirectory(target, "test-anvil");
            anvil = Anvil.throwaway(dir);
            account7 = Credentials.create(anvil.devKey(7));
            deployment = new ContractDeployer(new ContractDeployer.Settings(anvil.url(), CHAIN_ID,
                    anvil.devKey(7), account7.getAddress()), line -> System.out.println("TestChain: " + line))
                    .deploy(Files.createTempDirectory(dir.getParent(), "consent-contracts").resolve("contracts.env"));
            return Map.of(
                    "consent.chain.rpc-url", anvil.url(),
                    "consent.chain.id", Long.toString(CHAIN_ID),
                    "consent.chain.consent-registry", deployment.consentRegistry(),
                    "consent.chain.organization-registry", deployment.organizationRegistry(),
                    "consent.chain.organization-id", deployment.organizationId());
        } catch (Exception e) {
            throw new IllegalStateException("cannot set up the test chain: " + e.getMessage(), e);
        }
    }

    @Override
    public void stop() {
        if (anvil != null) {
            try {
                anvil.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Drops every table of ehr_consent_test, so that Flyway migrates the current V1 from scratch. */
    static void dropTestSchema() throws Exception {
        String url = "jdbc:mysql://" + env("EHR_DB_HOST", "127.0.0.1") + ":" + env("EHR_DB_PORT", "3306")
                + "/ehr_consent_test";
        try (Connection c = DriverManager.getConnection(url, env("EHR_DB_USER", "ehr"), env("EHR_DB_PASSWORD", "ehr"));
                Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = 'ehr_consent_test'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                s.executeUpdate("DROP TABLE `" + table + "`");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Chain actions of the tests (account 7)
    // ---------------------------------------------------------------------------------------------

    public static Web3j web3j() {
        return anvil.web3j();
    }

    /** Registers {@code controller} as the patient's controller in PatientRegistry. */
    public static SentTx registerController(String patientChainId, String controller) throws Exception {
        PatientRegistry patients = PatientRegistry.load(deployment.patientRegistry(), web3j(),
                new ReadonlyTransactionManager(web3j(), account7.getAddress()), new DefaultGasProvider());
        return send(deployment.patientRegistry(),
                patients.register(Numeric.hexStringToByteArray(patientChainId), controller).encodeFunctionCall());
    }

    /** Relays a GrantConsent command to grantWithSig (or grantRemoteWithSig), as chain-anchor-service does. */
    public static SentTx relay(GrantConsent c) throws Exception {
        if (c.remote()) {
            return send(deployment.consentRegistry(), registry().grantRemoteWithSig(b32(c.patientChainId()),
                    b32(c.granteeOrganizationId()), b32(c.granteeChainId()), b32(c.scopeHash()),
                    BigInteger.valueOf(c.expiresAt()), new BigInteger(c.nonce()),
                    Numeric.hexStringToByteArray(c.signature())).encodeFunctionCall());
        }
        return send(deployment.consentRegistry(), registry().grantWithSig(b32(c.patientChainId()),
                b32(c.granteeChainId()), b32(c.scopeHash()), BigInteger.valueOf(c.expiresAt()),
                new BigInteger(c.nonce()), Numeric.hexStringToByteArray(c.signature())).encodeFunctionCall());
    }

    /** Relays a RevokeConsent command to ConsentRegistry.revokeWithSig (or revokeRemoteWithSig). */
    public static SentTx relay(RevokeConsent c) throws Exception {
        if (c.remote()) {
            return send(deployment.consentRegistry(), registry().revokeRemoteWithSig(b32(c.patientChainId()),
                    b32(c.granteeOrganizationId()), b32(c.granteeChainId()), b32(c.scopeHash()),
                    new BigInteger(c.nonce()), Numeric.hexStringToByteArray(c.signature())).encodeFunctionCall());
        }
        return send(deployment.consentRegistry(), registry().revokeWithSig(b32(c.patientChainId()),
                b32(c.granteeChainId()), b32(c.scopeHash()), new BigInteger(c.nonce()),
                Numeric.hexStringToByteArray(c.signature())).encodeFunctionCall());
    }

    /**
     * Admits another organisation to the test network's OrganizationRegistry (account 7 governs it),
     * suspended when asked; returns its id (0x hex, keccak256 of the name).
     */
    public static String admitOrganization(String name, boolean suspended) throws Exception {
        OrganizationRegistry organizations = OrganizationRegistry.load(deployment.organizationRegistry(), web3j(),
                new ReadonlyTransactionManager(web3j(), account7.getAddress()), new DefaultGasProvider());
        byte[] id = NetworkIds.organizationId(name);
        String other = account7.getAddress();
        send(deployment.organizationRegistry(), organizations.admit(id, new OrganizationRegistry.Organization(name,
                "http://" + name + ".test/exchange/v1", other, new byte[] {1}, other, other, other, other,
                BigInteger.ONE, BigInteger.ZERO)).encodeFunctionCall());
        if (suspended) {
            send(deployment.organizationRegistry(), organizations.suspend(id).encodeFunctionCall());
        }
        return Numeric.toHexString(id);
    }

    public static ConsentRegistry registry() {
        return ConsentRegistry.load(deployment.consentRegistry(), web3j(),
                new ReadonlyTransactionManager(web3j(), account7.getAddress()), new DefaultGasProvider());
    }

    /** Signs and sends a call from account 7 and waits for its receipt; fails when it reverted. */
    public static SentTx send(String to, String data) throws Exception {
        BigInteger nonce = web3j().ethGetTransactionCount(account7.getAddress(), DefaultBlockParameterName.PENDING)
                .send().getTransactionCount();
        BigInteger baseFee = web3j().ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock()
                .getBaseFeePerGas();
        BigInteger tip = BigInteger.valueOf(1_000_000_000L);
        RawTransaction tx = RawTransaction.createTransaction(CHAIN_ID, nonce, GAS_LIMIT, to, BigInteger.ZERO, data,
                tip, baseFee.shiftLeft(1).add(tip));
        String raw = Numeric.toHexString(TransactionEncoder.signMessage(tx, CHAIN_ID, account7));
        return sendRaw(raw);
    }

    /** Sends signed bytes (again, e.g. after a reorg dropped them) and waits for the receipt. */
    public static SentTx sendRaw(String raw) throws Exception {
        EthSendTransaction sent = web3j().ethSendRawTransaction(raw).send();
        if (sent.hasError()) {
            throw new IllegalStateException("transaction refused: " + sent.getError().getMessage());
        }
        TransactionReceipt receipt = receipt(sent.getTransactionHash());
        if (!receipt.isStatusOK()) {
            throw new IllegalStateException("transaction " + receipt.getTransactionHash() + " reverted");
        }
        return new SentTx(receipt.getTransactionHash(), raw, receipt.getBlockNumber().longValueExact());
    }

    private static TransactionReceipt receipt(String hash) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < end) {
            Optional<TransactionReceipt> receipt =
                    web3j().ethGetTransactionReceipt(hash).send().getTransactionReceipt();
            if (receipt.isPresent()) {
                return receipt.get();
            }
            Thread.sleep(20);
        }
        throw new IOException("no receipt for " + hash);
    }

    private static byte[] b32(String hex) {
        return Numeric.hexStringToByteArray(hex);
    }
}
