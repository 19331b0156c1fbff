package health.ehr.exchange.testing;

import static health.ehr.support.testing.LocalStack.env;

import com.nimbusds.jose.jwk.ECKey;
import health.ehr.contracts.generated.OrganizationRegistry;
import health.ehr.exchange.client.Es256k;
import health.ehr.exchange.client.RequestSigner;
import health.ehr.support.testing.Anvil;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Keys;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * The network the tests run in: a fresh OrganizationRegistry deployed on the local stack's anvil for each
 * test class, governed by anvil's dev account 5, with this service's organisation ("A") admitted with
 * placeholder keys and dev account 6 as controller (the service rotates them to its own keys on start,
 * as in the local stack), and a peer ("B") whose signing key the tests hold. Accounts 5 and 6 are this
 * module's: no other module writes with them on the shared anvil. Also makes sure the test database exists.
 */
public class TestNetwork implements QuarkusTestResourceLifecycleManager {

    /** anvil's dev account 5 key: PUBLIC KNOWLEDGE, tests only. The registry's admin and governor. */
    static final String ACCOUNT_5_KEY = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";
    /** anvil's dev account 6 key: PUBLIC KNOWLEDGE, tests only. Controller of every test organisation. */
    static final String ACCOUNT_6_KEY = "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e";
    /** This service's endpoint as registered: what a request's htu must name. */
    public static final String ENDPOINT = "https://a.exchange.test/exchange/v1";

    public static volatile Anvil anvil;
    public static volatile String registryAddress;
    /** This service's organisation id. */
    public static volatile String selfId;
    /** The peer B: its id and signing key. */
    public static volatile Peer peerB;

    private static final Credentials GOVERNOR = Credentials.create(ACCOUNT_5_KEY);
    private static final Credentials CONTROLLER = Credentials.create(ACCOUNT_6_KEY);

    /** A test organisation: its id and its current signing key. */
    public record Peer(String organizationId, BigInteger signingKey) {

        public String signerAddress() {
            return Es256k.address(signingKey);
        }

        /** A signer of this peer's requests with its key. */
        public RequestSigner signer() {
            return new RequestSigner(organizationId, ecKey(), Clock.systemUTC());
        }

        public ECKey ecKey() {
            return Es256k.ecKey(signingKey);
        }
    }

    @Override
    public Map<String, String> start() {
        try {
            createTestDatabase();
            anvil = Anvil.shared();
            OrganizationRegistry registry = OrganizationRegistry.deploy(anvil.web3j(), governorTransactions(),
                    new DefaultGasProvider(), GOVERNOR.getAddress()).send();
            registryAddress = registry.getContractAddress().toLowerCase();
            send(registry.grantRole(registry.GOVERNOR_ROLE().send(), GOVERNOR.getAddress()).send());
            String run = UUID.randomUUID().toString();
            selfId = Numeric.toHexString(Hash.sha3(("exchange-test-a-" + run).getBytes(StandardCharsets.UTF_8)));
            admit(selfId, "Hospital A (test)", ENDPOINT, CONTROLLER.getAddress());
            peerB = admitPeer("Hospital B (test)");
            return Map.of(
                    "exchange.chain.rpc-url", anvil.url(),
                    "exchange.chain.organization-registry", registryAddress,
                    "exchange.chain.controller-key", ACCOUNT_6_KEY,
                    "exchange.chain.confirmations", "0",
                    "exchange.chain.poll-interval", "200ms",
                    "exchange.organization-id", selfId,
                    "exchange.name", "Hospital A (test)",
                    "exchange.endpoint", ENDPOINT);
        } catch (Exception e) {
            throw new IllegalStateException("cannot set up the test network: " + e.getMessage(), e);
        }
    }

    @Override
    public void stop() {
        if (anvil != null) {
            anvil.web3j().shutdown();
        }
    }

    /** Admits a new peer organisation with a fresh signing key (account 6 controls it). */
    public static Peer admitPeer(String name) throws Exception {
        BigInteger key = Keys.createEcKeyPair().getPrivateKey();
        String id = Numeric.toHexString(Hash.sha3((name + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8)));
        admit(id, name, "https://" + id.substring(2, 10) + ".exchange.test/exchange/v1", Es256k.address(key));
        return new Peer(id, key);
    }

    /** Suspends a member (governor). */
    public static void suspend(String organizationId) throws Exception {
        send(governed().suspend(Numeric.hexStringToByteArray(organizationId)).send());
    }

    /** Rotates a peer's signer (its controller, account 6); returns the rotation block's timestamp. */
    public static long rotateSigner(String organizationId, String signer) throws Exception {
        TransactionReceipt receipt = send(OrganizationRegistry.load(registryAddress, anvil.web3j(),
                transactions(CONTROLLER), new DefaultGasProvider())
                .rotateSigner(Numeric.hexStringToByteArray(organizationId), signer).send());
        return anvil.web3j().ethGetBlockByHash(receipt.getBlockHash(), false).send().getBlock().getTimestamp()
                .longValueExact();
    }

    /** The latest block's timestamp. */
    public static long latestBlockTime() throws Exception {
        return anvil.web3j().ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock()
                .getTimestamp().longValueExact();
    }

    private static void admit(String id, String name, String endpoint, String signer) throws Exception {
        OrganizationRegistry.Organization entry = new OrganizationRegistry.Organization(name, endpoint, signer,
                new byte[0], "0x0000000000000000000000000000000000000000",
                "0x0000000000000000000000000000000000000000", "0x0000000000000000000000000000000000000000",
                CONTROLLER.getAddress(), BigInteger.ZERO, BigInteger.ZERO);
        send(governed().admit(Numeric.hexStringToByteArray(id), entry).send());
    }

    private static OrganizationRegistry governed() {
        return OrganizationRegistry.load(registryAddress, anvil.web3j(), governorTransactions(),
                new DefaultGasProvider());
    }

    private static RawTransactionManager governorTransactions() {
        return transactions(GOVERNOR);
    }

    private static RawTransactionManager transactions(Credentials credentials) {
        return new RawTransactionManager(anvil.web3j(), credentials, 31337,
                new PollingTransactionReceiptProcessor(anvil.web3j(), 100, 300));
    }

    private static TransactionReceipt send(TransactionReceipt receipt) {
        if (!receipt.isStatusOK()) {
            throw new IllegalStateException("transaction " + receipt.getTransactionHash() + " reverted");
        }
        return receipt;
    }

    private static void createTestDatabase() throws Exception {
        String url = "jdbc:mysql://" + env("EHR_DB_HOST", "127.0.0.1") + ":" + env("EHR_DB_PORT", "3306") + "/";
        try (Connection c = DriverManager.getConnection(url, env("EHR_DB_USER", "ehr"), env("EHR_DB_PASSWORD", "ehr"));
                Statement s = c.createStatement()) {
            s.executeUpdate("CREATE DATABASE IF NOT EXISTS ehr_exchange_test CHARACTER SET utf8mb4"
                    + " COLLATE utf8mb4_unicode_ci");
        }
    }
}
