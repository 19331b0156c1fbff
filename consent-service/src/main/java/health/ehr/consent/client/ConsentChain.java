package health.ehr.consent.client;

import health.ehr.consent.config.ConsentConfig;
import health.ehr.contracts.ChainUnavailableException;
import health.ehr.contracts.ConsentTypedData;
import health.ehr.contracts.OrganizationEntry;
import health.ehr.contracts.generated.ConsentRegistry;
import health.ehr.contracts.generated.PatientRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import okhttp3.OkHttpClient;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

/**
 * consent-service's read-only view of the chain: ConsentRegistry's nonces and logs, the patient's
 * controller in PatientRegistry, block hashes for the mirror's reorg detection. Never sends a
 * transaction (chain-anchor-service is the only writer).
 */
@ApplicationScoped
public class ConsentChain {

    /** topic0 of {@code ConsentGranted}. */
    public static final String GRANTED_TOPIC = EventEncoder.encode(ConsentRegistry.CONSENTGRANTED_EVENT);
    /** topic0 of {@code ConsentRevoked}. */
    public static final String REVOKED_TOPIC = EventEncoder.encode(ConsentRegistry.CONSENTREVOKED_EVENT);
    /** topic0 of {@code ConsentGrantedRemote} (a grantee of another organisation). */
    public static final String GRANTED_REMOTE_TOPIC =
            EventEncoder.encode(ConsentRegistry.CONSENTGRANTEDREMOTE_EVENT);
    /** topic0 of {@code ConsentRevokedRemote}. */
    public static final String REVOKED_REMOTE_TOPIC =
            EventEncoder.encode(ConsentRegistry.CONSENTREVOKEDREMOTE_EVENT);

    /** A member's status in OrganizationRegistry, as far as a grant to one of its parties cares. */
    public enum MemberStatus { UNKNOWN, ACTIVE, SUSPENDED }

    private static final String ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

    private final ConsentConfig.Chain settings;
    private final String registryAddress;
    private final Web3j web3j;
    private final ConsentRegistry registry;
    private final ConsentTypedData typedData;
    private volatile PatientRegistry patients;
    private final String organizations;
    private final String organizationId;

    public ConsentChain(ConsentConfig config) {
        this.settings = config.chain();
        this.registryAddress = settings.consentRegistry().toLowerCase(Locale.ROOT);
        OkHttpClient http = new OkHttpClient.Builder()
                .callTimeout(settings.timeout())
                .connectTimeout(settings.timeout())
                .build();
        this.web3j = Web3j.build(new HttpService(settings.rpcUrl(), http));
        this.registry = ConsentRegistry.load(registryAddress, web3j,
                new ReadonlyTransactionManager(web3j, ZERO_ADDRESS), new DefaultGasProvider());
        this.typedData = new ConsentTypedData(settings.id(), registryAddress);
        this.organizations = settings.organizationRegistry().filter(a -> !a.isBlank())
                .map(a -> a.strip().toLowerCase(Locale.ROOT)).orElse(null);
        this.organizationId = settings.organizationId().filter(a -> !a.isBlank())
                .map(a -> a.strip().toLowerCase(Locale.ROOT)).orElse(null);
    }

    /** This installation's organisation id (lower-case 0x bytes32), empty when not configured. */
    public Optional<String> organizationId() {
        return Optional.ofNullable(organizationId);
    }

    /** Whether the network's OrganizationRegistry is configured (remote grants need it). */
    public boolean networkConfigured() {
        return organizations != null;
    }

    /** The member's status at the latest block ({@code UNKNOWN} when never admitted). */
    public MemberStatus memberStatus(String organizationIdHex) {
        if (organizations == null) {
            throw new ChainUnavailableException("no OrganizationRegistry is configured (ORGANIZATION_REGISTRY)");
        }
        OrganizationEntry entry = call("organization",
                () -> OrganizationEntry.read(web3j, organizations, Numeric.hexStringToByteArray(organizationIdHex)));
        return switch (entry.status()) {
            case OrganizationEntry.ACTIVE -> MemberStatus.ACTIVE;
            case OrganizationEntry.SUSPENDED -> MemberStatus.SUSPENDED;
            default -> MemberStatus.UNKNOWN;
        };
    }

    /** Whether a ConsentRegistry address is configured (not the zero address). */
    public boolean configured() {
        return !ZERO_ADDRESS.equals(registryAddress);
    }

    public long chainId() {
        return settings.id();
    }

    /** The ConsentRegistry address, lower-case 0x hex. */
    public String registryAddress() {
        return registryAddress;
    }

    /** EIP-712 typed data bound to this chain and ConsentRegistry. */
    public ConsentTypedData typedData() {
        return typedData;
    }

    /** {@code ConsentRegistry.nonces(patientId)} at the latest block. */
    public long nonce(String patientChainId) {
        return call("nonces", () -> registry.nonces(Numeric.hexStringToByteArray(patientChainId)).send())
                .longValueExact();
    }

    /** The patient's controller in PatientRegistry (lower-case 0x hex), empty when not registered. */
    public Optional<String> controllerOf(String patientChainId) {
        String controller = call("controllerOf",
                () -> patients().controllerOf(Numeric.hexStringToByteArray(patientChainId)).send());
        String lower = controller == null ? ZERO_ADDRESS : controller.toLowerCase(Locale.ROOT);
        return ZERO_ADDRESS.equals(lower) ? Optional.empty() : Optional.of(lower);
    }

    /** The latest block number. */
    public long head() {
        return call("eth_blockNumber", () -> check(web3j.ethBlockNumber().send()).getBlockNumber()).longValueExact();
    }

    /** The block the node tags {@code finalized}; empty when it does not know the tag. */
    public OptionalLong finalizedBlock() {
        EthBlock answer = call("eth_getBlockByNumber", () -> web3j.ethGetBlockByNumber(
                DefaultBlockParameterName.FINALIZED, false).send());
        return answer.hasError() || answer.getBlock() == null ? OptionalLong.empty()
                : OptionalLong.of(answer.getBlock().getNumber().longValueExact());
    }

    /** The hash of block {@code number} on the node's current chain, empty when the chain is shorter. */
    public Optional<String> blockHash(long number) {
        EthBlock.Block block = call("eth_getBlockByNumber", () -> check(web3j.ethGetBlockByNumber(
                DefaultBlockParameter.valueOf(BigInteger.valueOf(number)), false).send()).getBlock());
        return block == null ? Optional.empty() : Optional.of(block.getHash().toLowerCase(Locale.ROOT));
    }

    /**
     * ConsentGranted and ConsentRevoked logs (and their remote twins) of the registry in blocks
     * {@code from..to}, in chain order.
     */
    public List<Log> logs(long from, long to) {
        EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
                DefaultBlockParameter.valueOf(BigInteger.valueOf(to)), registryAddress);
        filter.addOptionalTopics(GRANTED_TOPIC, REVOKED_TOPIC, GRANTED_REMOTE_TOPIC, REVOKED_REMOTE_TOPIC);
        List<EthLog.LogResult> results = call("eth_getLogs", () -> check(web3j.ethGetLogs(filter).send()).getLogs());
        return results.stream().map(r -> (Log) r.get())
                .sorted((a, b) -> a.getBlockNumber().equals(b.getBlockNumber())
                        ? a.getLogIndex().compareTo(b.getLogIndex())
                        : a.getBlockNumber().compareTo(b.getBlockNumber()))
                .toList();
    }

    private PatientRegistry patients() {
        if (patients == null) {
            String address = call("patientRegistry", () -> registry.patientRegistry().send());
            patients = PatientRegistry.load(address, web3j, new ReadonlyTransactionManager(web3j, ZERO_ADDRESS),
                    new DefaultGasProvider());
        }
        return patients;
    }

    private static <R extends Response<?>> R check(R response) throws IOException {
        if (response.hasError()) {
            throw new IOException(response.getError().getMessage());
        }
        return response;
    }

    private <T> T call(String what, Callable<T> call) {
        if (!configured()) {
            throw new ChainUnavailableException("no ConsentRegistry is configured (EHR_CONTRACTS_CONSENT_REGISTRY)");
        }
        try {
            return call.call();
        } catch (Exception e) {
            throw new ChainUnavailableException(what + " failed at " + settings.rpcUrl() + ": " + e.getMessage(), e);
        }
    }

    @PreDestroy
    void close() {
        web3j.shutdown();
    }
}
