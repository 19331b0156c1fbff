package health.ehr.contracts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import health.ehr.contracts.generated.AnchorRegistry;
import health.ehr.contracts.generated.ConsentRegistry;
import health.ehr.contracts.generated.OrganizationRegistry;
import health.ehr.contracts.generated.PatientRegistry;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;
import java.util.function.Consumer;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.Contract;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.StaticEIP1559GasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * Deploys PatientRegistry, ConsentRegistry and AnchorRegistry, gives the platform's chain writer
 * the roles it needs (REGISTRAR_ROLE, ANCHORER_ROLE), makes sure the network's OrganizationRegistry
 * exists and lists this installation, and writes the addresses to an env file and a JSON twin.
 * Idempotent: when the env file's contracts still have code on the same chain and the installation
 * is a member, it changes nothing.
 *
 * <p>Usage: {@code ContractDeployer OUTPUT_ENV_FILE} (or {@code contracts/scripts/deploy}), with
 * {@code EHR_CHAIN_RPC_URL}, {@code EHR_CHAIN_ID}, {@code EHR_CHAIN_DEPLOYER_KEY} and
 * {@code EHR_CHAIN_WRITER_ADDRESS} from the environment. The deployer keeps DEFAULT_ADMIN_ROLE
 * (to rotate the writer later); ConsentRegistry has no roles, as anyone may relay a signed consent.
 *
 * <p>OrganizationRegistry, once per network: the one at {@code EHR_ORGANIZATION_REGISTRY} when given
 * (it must have code), else the one the env file names when it still has code, else a new one whose
 * DEFAULT_ADMIN_ROLE and GOVERNOR_ROLE the deployer holds. Unless already a member, the installation
 * is admitted as {@code keccak256(EHR_ORGANIZATION_NAME)} (default {@code hospital-a}) with endpoint
 * {@code EHR_ORGANIZATION_ENDPOINT}, its three registries and controller
 * {@code EHR_ORGANIZATION_CONTROLLER} (default: the deployer). Signer and encryption key are
 * placeholders (the controller's address, an empty key): exchange-service rotates them to its real
 * keys on start. Admitting needs GOVERNOR_ROLE; on a network governed by someone else, governance
 * admits the installation first and the deployer only records the ids.
 */
public final class ContractDeployer {

    /**
     * anvil's dev account 0 key: PUBLIC KNOWLEDGE, for the local stack only. Any real chain sets
     * EHR_CHAIN_DEPLOYER_KEY from a secret.
     */
    static final String LOCAL_ONLY_DEPLOYER_KEY =
            "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    /** anvil's dev account 1, the local stack's chain writer. */
    static final String LOCAL_ONLY_WRITER_ADDRESS = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";

    /** Enough for the largest deployment (ConsentRegistry, about 1 M gas); only gas used is paid. */
    private static final BigInteger GAS_LIMIT = BigInteger.valueOf(3_000_000);

    private final Settings settings;
    private final Consumer<String> log;

    /** The local installation's organisation name when none is configured. */
    static final String DEFAULT_ORGANIZATION_NAME = "hospital-a";
    /** The local stack's exchange endpoint (through the gateway). */
    static final String DEFAULT_ORGANIZATION_ENDPOINT = "http://localhost:8080/exchange/v1";

    /**
     * Where and as whom to deploy, and this installation's entry in OrganizationRegistry.
     *
     * @param organizationRegistry the network's registry to reuse, or null to reuse the env file's or deploy one
     * @param organizationController the entry's controller, or null for the deployer's address
     */
    public record Settings(String rpcUrl, long chainId, String deployerKey, String writerAddress,
            String organizationName, String organizationEndpoint, String organizationRegistry,
            String organizationController) {

        /** The chain settings alone; the organisation gets the local stack's defaults. */
        public Settings(String rpcUrl, long chainId, String deployerKey, String writerAddress) {
            this(rpcUrl, chainId, deployerKey, writerAddress, DEFAULT_ORGANIZATION_NAME,
                    DEFAULT_ORGANIZATION_ENDPOINT, null, null);
        }

        /** Reads the EHR_CHAIN_* and EHR_ORGANIZATION_* variables, with the local stack's defaults. */
        public static Settings fromEnvironment(Map<String, String> env) {
            return new Settings(
                    env.getOrDefault("EHR_CHAIN_RPC_URL", "http://localhost:8545"),
                    Long.parseLong(env.getOrDefault("EHR_CHAIN_ID", "31337")),
                    env.getOrDefault("EHR_CHAIN_DEPLOYER_KEY", LOCAL_ONLY_DEPLOYER_KEY),
                    env.getOrDefault("EHR_CHAIN_WRITER_ADDRESS", LOCAL_ONLY_WRITER_ADDRESS),
                    nonBlank(env.get("EHR_ORGANIZATION_NAME"), DEFAULT_ORGANIZATION_NAME),
                    nonBlank(env.get("EHR_ORGANIZATION_ENDPOINT"), DEFAULT_ORGANIZATION_ENDPOINT),
                    nonBlank(env.get("EHR_ORGANIZATION_REGISTRY"), null),
                    nonBlank(env.get("EHR_ORGANIZATION_CONTROLLER"), null));
        }

        private static String nonBlank(String value, String otherwise) {
            return value == null || value.isBlank() ? otherwise : value.strip();
        }

        @Override
        public String toString() {
            return "Settings[rpcUrl=" + rpcUrl + ", chainId=" + chainId + ", writerAddress=" + writerAddress
                    + ", organizationName=" + organizationName + ", organizationEndpoint=" + organizationEndpoint
                    + ", organizationRegistry=" + organizationRegistry + ", organizationController="
                    + organizationController + "]";
        }
    }

    /**
     * The deployed contracts' addresses (lower-case 0x hex) on one chain, with the network's
     * OrganizationRegistry and this installation's organisation id (both null in env files written
     * before OrganizationRegistry existed).
     */
    public record Deployment(long chainId, String patientRegistry, String consentRegistry, String anchorRegistry,
            String organizationRegistry, String organizationId) {

        static final String PATIENT_REGISTRY = "EHR_CONTRACTS_PATIENT_REGISTRY";
        static final String CONSENT_REGISTRY = "EHR_CONTRACTS_CONSENT_REGISTRY";
        static final String ANCHOR_REGISTRY = "EHR_CONTRACTS_ANCHOR_REGISTRY";
        static final String CHAIN_ID = "EHR_CHAIN_ID";
        static final String ORGANIZATION_REGISTRY = "ORGANIZATION_REGISTRY";
        static final String ORGANIZATION_ID = "ORGANIZATION_ID";

        public Deployment {
            patientRegistry = patientRegistry.toLowerCase(Locale.ROOT);
            consentRegistry = consentRegistry.toLowerCase(Locale.ROOT);
            anchorRegistry = anchorRegistry.toLowerCase(Locale.ROOT);
            organizationRegistry = organizationRegistry == null ? null : organizationRegistry.toLowerCase(Locale.ROOT);
            organizationId = organizationId == null ? null : organizationId.toLowerCase(Locale.ROOT);
        }

        /** The installation's own contracts only. */
        public Deployment(long chainId, String patientRegistry, String consentRegistry, String anchorRegistry) {
            this(chainId, patientRegistry, consentRegistry, anchorRegistry, null, null);
        }

        List<String> addresses() {
            return List.of(patientRegistry, consentRegistry, anchorRegistry);
        }

        /** The env-file form: one {@code KEY=value} line per address, the chain id, then the network's lines. */
        public String toEnv() {
            String env = PATIENT_REGISTRY + "=" + patientRegistry + "\n"
                    + CONSENT_REGISTRY + "=" + consentRegistry + "\n"
                    + ANCHOR_REGISTRY + "=" + anchorRegistry + "\n"
                    + CHAIN_ID + "=" + chainId + "\n";
            if (organizationRegistry != null) {
                env += ORGANIZATION_REGISTRY + "=" + organizationRegistry + "\n";
            }
            if (organizationId != null) {
                env += ORGANIZATION_ID + "=" + organizationId + "\n";
            }
            return env;
        }

        /**
         * The JSON twin: {@code {chainId, patientRegistry, consentRegistry, anchorRegistry,
         * organizationRegistry, organizationId}}.
         */
        public String toJson() {
            ObjectNode node = new ObjectMapper().createObjectNode()
                    .put("chainId", chainId)
                    .put("patientRegistry", patientRegistry)
                    .put("consentRegistry", consentRegistry)
                    .put("anchorRegistry", anchorRegistry);
            if (organizationRegistry != null) {
                node.put("organizationRegistry", organizationRegistry);
            }
            if (organizationId != null) {
                node.put("organizationId", organizationId);
            }
            return node.toPrettyString() + "\n";
        }

        /** Reads an env file written by {@link #toEnv()}; empty when it is missing or incomplete. */
        public static Optional<Deployment> read(Path envFile) throws IOException {
            if (!Files.isRegularFile(envFile)) {
                return Optional.empty();
            }
            Map<String, String> values = new HashMap<>();
            for (String line : Files.readAllLines(envFile, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (!line.isBlank() && !line.startsWith("#") && eq > 0) {
                    values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
            if (!values.keySet().containsAll(List.of(PATIENT_REGISTRY, CONSENT_REGISTRY, ANCHOR_REGISTRY, CHAIN_ID))) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Deployment(Long.parseLong(values.get(CHAIN_ID)), values.get(PATIENT_REGISTRY),
                        values.get(CONSENT_REGISTRY), values.get(ANCHOR_REGISTRY),
                        emptyToNull(values.get(ORGANIZATION_REGISTRY)), emptyToNull(values.get(ORGANIZATION_ID))));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        private static String emptyToNull(String value) {
            return value == null || value.isBlank() ? null : value;
        }
    }

    public ContractDeployer(Settings settings, Consumer<String> log) {
        this.settings = settings;
        this.log = log;
    }

    /** Deploys unless {@code output} already describes live contracts on this chain; see the class notes. */
    public Deployment deploy(Path output) throws Exception {
        Web3j web3j = Web3j.build(new HttpService(settings.rpcUrl()));
        try {
            long nodeChainId = web3j.ethChainId().send().getChainId().longValueExact();
            if (nodeChainId != settings.chainId()) {
                throw new IllegalStateException("the node at " + settings.rpcUrl() + " serves chain " + nodeChainId
                        + ", not EHR_CHAIN_ID " + settings.chainId());
            }
            log.accept("chain " + nodeChainId + " at " + settings.rpcUrl() + ", block "
                    + web3j.ethBlockNumber().send().getBlockNumber());

            Optional<Deployment> existing = Deployment.read(output)
                    .filter(d -> d.chainId() == nodeChainId);
            String organizationId = Numeric.toHexString(NetworkIds.organizationId(settings.organizationName()));
            if (existing.isPresent() && allHaveCode(web3j, existing.get())
                    && existing.get().organizationRegistry() != null
                    && organizationId.equals(existing.get().organizationId())
                    && registryToReuse(web3j, existing.get()).filter(existing.get().organizationRegistry()::equals)
                            .isPresent()
                    && isMember(web3j, existing.get().organizationRegistry(), organizationId)) {
                log.accept("contracts already deployed (" + output + ")");
                return existing.get();
            }

            Credentials deployer = Credentials.create(settings.deployerKey());
            String writer = settings.writerAddress().toLowerCase(Locale.ROOT);
            log.accept("deployer " + deployer.getAddress() + ", writer " + writer);
            TransactionManager transactions = new RawTransactionManager(web3j, deployer, nodeChainId,
                    new PollingTransactionReceiptProcessor(web3j, 100, 600));
            ContractGasProvider gas = currentFees(web3j, nodeChainId);

            Deployment local;
            if (existing.isPresent() && allHaveCode(web3j, existing.get())) {
                local = existing.get();
                log.accept("installation contracts already deployed (" + output + ")");
            } else {
                PatientRegistry patients = deployed("PatientRegistry",
                        PatientRegistry.deploy(web3j, transactions, gas, deployer.getAddress()).send());
                ConsentRegistry consents = deployed("ConsentRegistry",
                        ConsentRegistry.deploy(web3j, transactions, gas, patients.getContractAddress()).send());
                AnchorRegistry anchors = deployed("AnchorRegistry",
                        AnchorRegistry.deploy(web3j, transactions, gas, deployer.getAddress()).send());

                granted("REGISTRAR_ROLE on PatientRegistry", writer,
                        patients.grantRole(patients.REGISTRAR_ROLE().send(), writer).send());
                granted("ANCHORER_ROLE on AnchorRegistry", writer,
                        anchors.grantRole(anchors.ANCHORER_ROLE().send(), writer).send());
                local = new Deployment(nodeChainId, patients.getContractAddress(), consents.getContractAddress(),
                        anchors.getContractAddress());
            }

            OrganizationRegistry organizations = organizationRegistry(web3j, transactions, gas, deployer,
                    existing.orElse(null));
            member(web3j, organizations, organizationId, deployer, local);
            Deployment deployment = new Deployment(nodeChainId, local.patientRegistry(), local.consentRegistry(),
                    local.anchorRegistry(), organizations.getContractAddress(), organizationId);
            Path json = jsonTwin(output);
            // The env file is what marks a deployment as done, so it is written last.
            writeAtomically(json, deployment.toJson());
            writeAtomically(output, deployment.toEnv());
            log.accept("wrote " + output + " and " + json);
            return deployment;
        } finally {
            web3j.shutdown();
        }
    }

    /** Entry point: {@code ContractDeployer OUTPUT_ENV_FILE}; exit 0 on success, 1 on failure, 2 on misuse. */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: ContractDeployer OUTPUT_ENV_FILE");
            System.exit(2);
        }
        try {
            new ContractDeployer(Settings.fromEnvironment(System.getenv()), System.out::println)
                    .deploy(Path.of(args[0]).toAbsolutePath());
        } catch (Exception e) {
            System.err.println("contract deployment failed: " + e);
            System.exit(1);
        }
    }

    /**
     * The network's OrganizationRegistry: the configured one (which must have code), the env file's
     * while it has code, or a new one governed by the deployer.
     */
    private OrganizationRegistry organizationRegistry(Web3j web3j, TransactionManager transactions,
            ContractGasProvider gas, Credentials deployer, Deployment existing) throws Exception {
        Optional<String> reuse = registryToReuse(web3j, existing);
        if (reuse.isPresent()) {
            log.accept("OrganizationRegistry at " + reuse.get());
            return OrganizationRegistry.load(reuse.get(), web3j, transactions, gas);
        }
        OrganizationRegistry organizations = deployed("OrganizationRegistry",
                OrganizationRegistry.deploy(web3j, transactions, gas, deployer.getAddress()).send());
        granted("GOVERNOR_ROLE on OrganizationRegistry", deployer.getAddress(),
                organizations.grantRole(organizations.GOVERNOR_ROLE().send(), deployer.getAddress()).send());
        return organizations;
    }

    /** The registry address to reuse, if any; a configured address without code is an error, not a redeploy. */
    private Optional<String> registryToReuse(Web3j web3j, Deployment existing) throws IOException {
        String configured = settings.organizationRegistry();
        if (configured != null) {
            if (!hasCode(web3j, configured)) {
                throw new IllegalStateException("EHR_ORGANIZATION_REGISTRY " + configured + " has no code on chain "
                        + settings.chainId());
            }
            return Optional.of(configured.toLowerCase(Locale.ROOT));
        }
        if (existing != null && existing.organizationRegistry() != null
                && hasCode(web3j, existing.organizationRegistry())) {
            return Optional.of(existing.organizationRegistry());
        }
        return Optional.empty();
    }

    private static boolean isMember(Web3j web3j, String registry, String organizationId) throws Exception {
        return OrganizationEntry.read(web3j, registry, Numeric.hexStringToByteArray(organizationId)).status()
                != OrganizationEntry.NONE;
    }

    /**
     * Admits this installation unless it is a member; a member whose entry names other registries
     * than this deployment's gets them updated when the deployer is its controller.
     */
    private void member(Web3j web3j, OrganizationRegistry organizations, String organizationId,
            Credentials deployer, Deployment local) throws Exception {
        byte[] id = Numeric.hexStringToByteArray(organizationId);
        OrganizationEntry entry = OrganizationEntry.read(web3j, organizations.getContractAddress(), id);
        String controller = Objects.requireNonNullElse(settings.organizationController(), deployer.getAddress())
                .toLowerCase(Locale.ROOT);
        if (entry.status() == OrganizationEntry.NONE) {
            if (!organizations.hasRole(organizations.GOVERNOR_ROLE().send(), deployer.getAddress()).send()) {
                throw new IllegalStateException("organisation " + settings.organizationName() + " (" + organizationId
                        + ") is not a member of OrganizationRegistry " + organizations.getContractAddress()
                        + " and the deployer holds no GOVERNOR_ROLE there: ask the network's governance to admit it");
            }
            // Placeholders: exchange-service rotates the signer and publishes its encryption key on start.
            OrganizationRegistry.Organization admitted = new OrganizationRegistry.Organization(
                    settings.organizationName(), settings.organizationEndpoint(), controller, new byte[0],
                    local.patientRegistry(), local.consentRegistry(), local.anchorRegistry(), controller,
                    BigInteger.ONE, BigInteger.ZERO);
            TransactionReceipt receipt = organizations.admit(id, admitted).send();
            log.accept("admitted " + settings.organizationName() + " as " + organizationId + " (controller "
                    + controller + ", tx " + receipt.getTransactionHash() + ")");
            return;
        }
        boolean sameRegistries = local.patientRegistry().equalsIgnoreCase(entry.patientRegistry())
                && local.consentRegistry().equalsIgnoreCase(entry.consentRegistry())
                && local.anchorRegistry().equalsIgnoreCase(entry.anchorRegistry());
        if (sameRegistries) {
            log.accept("organisation " + organizationId + " already a member");
        } else if (entry.controller().equalsIgnoreCase(deployer.getAddress())) {
            TransactionReceipt receipt = organizations.setRegistries(id, local.patientRegistry(),
                    local.consentRegistry(), local.anchorRegistry()).send();
            log.accept("organisation " + organizationId + ": registries updated (tx "
                    + receipt.getTransactionHash() + ")");
        } else {
            log.accept("WARNING organisation " + organizationId + " names other registries than this deployment;"
                    + " its controller " + entry.controller() + " must call setRegistries");
        }
    }

    /** {@code contracts.env} → {@code contracts.json}; any other name gets {@code .json} appended. */
    static Path jsonTwin(Path envFile) {
        String name = envFile.getFileName().toString();
        String base = name.endsWith(".env") ? name.substring(0, name.length() - 4) : name;
        return envFile.resolveSibling(base + ".json");
    }

    private static boolean allHaveCode(Web3j web3j, Deployment deployment) throws IOException {
        for (String address : deployment.addresses()) {
            if (!hasCode(web3j, address)) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasCode(Web3j web3j, String address) throws IOException {
        String code = web3j.ethGetCode(address, DefaultBlockParameterName.LATEST).send().getCode();
        return code != null && !code.equals("0x") && !code.isEmpty();
    }

    /** EIP-1559 fees from the latest block: twice its base fee plus the node's suggested tip. */
    private ContractGasProvider currentFees(Web3j web3j, long chainId) throws IOException {
        BigInteger baseFee = web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send()
                .getBlock().getBaseFeePerGas();
        BigInteger tip = web3j.ethMaxPriorityFeePerGas().send().getMaxPriorityFeePerGas();
        BigInteger maxFee = baseFee.shiftLeft(1).add(tip);
        log.accept("fees: max " + maxFee + " wei/gas, tip " + tip + " wei/gas");
        return new StaticEIP1559GasProvider(chainId, maxFee, tip, GAS_LIMIT);
    }

    private <C extends Contract> C deployed(String name, C contract) {
        TransactionReceipt receipt = contract.getTransactionReceipt().orElseThrow();
        log.accept("deployed " + name + " at " + contract.getContractAddress().toLowerCase(Locale.ROOT)
                + " (tx " + receipt.getTransactionHash() + ", gas " + receipt.getGasUsed() + ")");
        return contract;
    }

    private void granted(String what, String account, TransactionReceipt receipt) {
        log.accept("granted " + what + " to " + account + " (tx " + receipt.getTransactionHash() + ")");
    }

    private static void writeAtomically(Path target, String content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
