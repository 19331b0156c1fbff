package health.ehr.anchor.testing;

import static health.ehr.support.testing.LocalStack.env;

import health.ehr.contracts.ContractDeployer;
import health.ehr.support.testing.Anvil;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The chain of this module's @QuarkusTests: a fresh set of contracts on the local stack's anvil,
 * deployed by anvil's account 8, which is also the writer (accounts 0/1 are the running platform's,
 * 9 the contract tests'; sharing a key would break nonces). It also empties the test database's
 * tables so that each run starts from a known state.
 */
public class TestChain implements QuarkusTestResourceLifecycleManager {

    /** anvil's dev account 8 (public knowledge, local chains only): this module's tests deploy and write with it. */
    public static final String ACCOUNT_8_KEY = "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97";
    public static final String ACCOUNT_8 = "0x23618e81e3f5cdf7f54c3d65f7fbc0abf5b21e8f";

    /** The deployment of the current run (for tests that call the contracts themselves). */
    private static volatile ContractDeployer.Deployment deployment;

    @Override
    public Map<String, String> start() {
        cleanDatabase();
        try (Anvil anvil = Anvil.shared()) {
            deployment = deploy(anvil.url());
        } catch (Exception e) {
            throw new IllegalStateException("cannot deploy test contracts on the local stack's anvil"
                    + " (deploy/local/platform up infra)", e);
        }
        System.out.println("TestChain: contracts " + deployment);
        return config(deployment, Anvil.shared().url());
    }

    @Override
    public void stop() {
    }

    /** Deploys a fresh contract set with account 8 as deployer and writer. */
    public static ContractDeployer.Deployment deploy(String rpcUrl) throws Exception {
        // Under target/ (the module directory is the tests' working directory), not /tmp: gone with mvn clean.
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "anchor-test-contracts");
        Map<String, String> env = new HashMap<>();
        env.put("EHR_CHAIN_RPC_URL", rpcUrl);
        env.put("EHR_CHAIN_ID", "31337");
        env.put("EHR_CHAIN_DEPLOYER_KEY", ACCOUNT_8_KEY);
        env.put("EHR_CHAIN_WRITER_ADDRESS", ACCOUNT_8);
        return new ContractDeployer(ContractDeployer.Settings.fromEnvironment(env), line -> { })
                .deploy(dir.resolve("contracts.env"));
    }

    public static Map<String, String> config(ContractDeployer.Deployment d, String rpcUrl) {
        Map<String, String> config = new HashMap<>();
        config.put("anchor.rpc-url", rpcUrl);
        config.put("anchor.writer-key", ACCOUNT_8_KEY);
        config.put("anchor.contracts.anchor-registry", d.anchorRegistry());
        config.put("anchor.contracts.patient-registry", d.patientRegistry());
        config.put("anchor.contracts.consent-registry", d.consentRegistry());
        return config;
    }

    /** Empties the service's tables in the test database (they may not exist yet on a first run). */
    public static void cleanDatabase() {
        String url = "jdbc:mysql://" + env("EHR_DB_HOST", "127.0.0.1") + ":" + env("EHR_DB_PORT", "3306")
                + "/ehr_anchor_test";
        try (Connection c = DriverManager.getConnection(url, env("EHR_DB_USER", "ehr"), env("EHR_DB_PASSWORD", "ehr"));
                Statement s = c.createStatement()) {
            for (String table : new String[] {"anchor_proof", "anchor_leaf", "anchor_batch", "chain_tx_hash",
                    "chain_tx", "writer_nonce", "chain_command", "outbox_event", "processed_event", "chain_identity",
                    "chain_tx_replaced"}) {
                try {
                    s.executeUpdate("DELETE FROM " + table);
                } catch (SQLException missing) {
                    // first run: Flyway creates it
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("test database not reachable at " + url, e);
        }
    }
}
