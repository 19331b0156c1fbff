package health.ehr.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.ehr.contracts.ContractDeployer.Deployment;
import health.ehr.contracts.ContractDeployer.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContractDeployerTest {

    private static final Deployment DEPLOYMENT = new Deployment(31337,
            "0x5FbDB2315678afecb367f032d93F642f64180aa3",
            "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
            "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0");

    @Test
    void envFileHasOneLowerCaseLinePerAddressThenTheChainId() {
        assertEquals("""
                EHR_CONTRACTS_PATIENT_REGISTRY=0x5fbdb2315678afecb367f032d93f642f64180aa3
                EHR_CONTRACTS_CONSENT_REGISTRY=0xe7f1725e7734ce288f8367e1bb143e90bb3f0512
                EHR_CONTRACTS_ANCHOR_REGISTRY=0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0
                EHR_CHAIN_ID=31337
                """, DEPLOYMENT.toEnv());
    }

    @Test
    void envFileReadsBackAndIncompleteFilesReadAsMissing(@TempDir Path dir) throws Exception {
        Path env = dir.resolve("contracts.env");
        assertTrue(Deployment.read(env).isEmpty());
        Files.writeString(env, DEPLOYMENT.toEnv());
        assertEquals(DEPLOYMENT, Deployment.read(env).orElseThrow());
        Files.writeString(env, "EHR_CHAIN_ID=31337\n");
        assertTrue(Deployment.read(env).isEmpty());
    }

    @Test
    void networkLinesFollowTheChainIdAndReadBack(@TempDir Path dir) throws Exception {
        Deployment member = new Deployment(31337, DEPLOYMENT.patientRegistry(), DEPLOYMENT.consentRegistry(),
                DEPLOYMENT.anchorRegistry(), "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9",
                "0x" + "AB".repeat(32));
        assertTrue(member.toEnv().endsWith("EHR_CHAIN_ID=31337\n"
                + "ORGANIZATION_REGISTRY=0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9\n"
                + "ORGANIZATION_ID=0x" + "ab".repeat(32) + "\n"), member.toEnv());
        Path env = dir.resolve("contracts.env");
        Files.writeString(env, member.toEnv());
        assertEquals(member, Deployment.read(env).orElseThrow());
        assertTrue(member.toJson()
                .contains("\"organizationRegistry\" : \"0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9\""));
    }

    @Test
    void jsonTwinSitsBesideTheEnvFile() {
        assertEquals(Path.of("/x/contracts.json"), ContractDeployer.jsonTwin(Path.of("/x/contracts.env")));
        assertEquals(Path.of("/x/chain.json"), ContractDeployer.jsonTwin(Path.of("/x/chain")));
        assertTrue(DEPLOYMENT.toJson()
                .contains("\"consentRegistry\" : \"0xe7f1725e7734ce288f8367e1bb143e90bb3f0512\""));
    }

    @Test
    void settingsDefaultToTheLocalStackAndNeverPrintTheKey() {
        Settings defaults = Settings.fromEnvironment(Map.of());
        assertEquals("http://localhost:8545", defaults.rpcUrl());
        assertEquals(31337, defaults.chainId());
        assertEquals(ContractDeployer.LOCAL_ONLY_DEPLOYER_KEY, defaults.deployerKey());
        assertEquals("0x70997970c51812dc3a010c7d01b50e0d17dc79c8", defaults.writerAddress());
        Settings custom = Settings.fromEnvironment(Map.of("EHR_CHAIN_ID", "5", "EHR_CHAIN_DEPLOYER_KEY", "0x0b"));
        assertEquals(5, custom.chainId());
        assertFalse(custom.toString().contains("0x0b"));
        assertFalse(defaults.toString().contains(ContractDeployer.LOCAL_ONLY_DEPLOYER_KEY));
        assertEquals("hospital-a", defaults.organizationName());
        assertEquals("http://localhost:8080/exchange/v1", defaults.organizationEndpoint());
        assertEquals(null, defaults.organizationRegistry());
        Settings member = Settings.fromEnvironment(Map.of("EHR_ORGANIZATION_NAME", "hospital-b",
                "EHR_ORGANIZATION_REGISTRY", "0xabc", "EHR_ORGANIZATION_ENDPOINT", " "));
        assertEquals("hospital-b", member.organizationName());
        assertEquals("0xabc", member.organizationRegistry());
        assertEquals("http://localhost:8080/exchange/v1", member.organizationEndpoint());
    }
}
