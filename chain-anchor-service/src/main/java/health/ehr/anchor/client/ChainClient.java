package health.ehr.anchor.client;

import health.ehr.anchor.config.AnchorConfig;
import health.ehr.contracts.ChainUnavailableException;
import health.ehr.contracts.ContractRevert;
import health.ehr.contracts.generated.AnchorRegistry;
import health.ehr.contracts.generated.ConsentRegistry;
import health.ehr.contracts.generated.PatientRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import okhttp3.OkHttpClient;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tuples.generated.Tuple3;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

/**
 * The service's JSON-RPC access to the Ethereum node: reads, pre-flights, signing and raw
 * broadcasts, and the encoded calls of the platform's contracts. Every failure to reach the node is
 * a {@link ChainUnavailableException}; nothing here keeps state about transactions (ChainWriter does).
 */
@ApplicationScoped
public class ChainClient {

    private final AnchorConfig config;
    private final Web3j web3j;
    private final Web3j probe;
    private final Credentials writer;
    private final AnchorRegistry anchors;
    private final PatientRegistry patients;
    private final ConsentRegistry consents;

    public ChainClient(AnchorConfig config) {
        this.config = config;
        this.web3j = Web3j.build(new HttpService(config.rpcUrl(), http(config.rpcTimeout())));
        this.probe = Web3j.build(new HttpService(config.rpcUrl(), http(config.readinessTimeout())));
        this.writer = Credentials.create(config.writerKey());
        // Read-only wrappers: used to encode calls and to read views; transactions are signed here.
        ReadonlyTransactionManager readonly = new ReadonlyTransactionManager(web3j, writer.getAddress());
        DefaultGasProvider gas = new DefaultGasProvider();
        this.anchors = AnchorRegistry.load(config.contracts().anchorRegistry(), web3j, readonly, gas);
        this.patients = PatientRegistry.load(config.contracts().patientRegistry(), web3j, readonly, gas);
        this.consents = ConsentRegistry.load(config.contracts().consentRegistry(), web3j, readonly, gas);
    }

    private static OkHttpClient http(Duration timeout) {
        return new OkHttpClient.Builder().connectTimeout(timeout).readTimeout(timeout).writeTimeout(timeout)
                .callTimeout(timeout.plusMillis(500)).build();
    }

    void close(@Observes ShutdownEvent shutdown) {
        web3j.shutdown();
        probe.shutdown();
    }

    /** The writer's address, lower-case 0x hex. */
    public String writerAddress() {
        return writer.getAddress().toLowerCase(Locale.ROOT);
    }

    public long chainId() {
        return config.chainId();
    }

    public String anchorRegistry() {
        return lower(config.contracts().anchorRegistry());
    }

    public String patientRegistry() {
        return lower(config.contracts().patientRegistry());
    }

    public String consentRegistry() {
        return lower(config.contracts().consentRegistry());
    }

    // ---- encoded calls ----

    public String encodeAnchor(byte[] root, int leafCount) {
        return anchors.anchor(root, BigInteger.valueOf(leafCount)).encodeFunctionCall();
    }

    public String encodeRegister(byte[] patientChainId, String controller) {
        return patients.register(patientChainId, controller).encodeFunctionCall();
    }

    public String encodeGrant(byte[] patientId, byte[] granteeId, byte[] scopeHash, long expiresAt, BigInteger nonce,
            byte[] signature) {
        return consents.grantWithSig(patientId, granteeId, scopeHash, BigInteger.valueOf(expiresAt), nonce, signature)
                .encodeFunctionCall();
    }

    public String encodeRevoke(byte[] patientId, byte[] granteeId, byte[] scopeHash, BigInteger nonce,
            byte[] signature) {
        return consents.revokeWithSig(patientId, granteeId, scopeHash, nonce, signature).encodeFunctionCall();
    }

    /** A grant to a party of another organisation (ConsentRegistry.grantRemoteWithSig). */
    public String encodeGrantRemote(byte[] patientId, byte[] granteeOrganizationId, byte[] granteeId,
            byte[] scopeHash, long expiresAt, BigInteger nonce, byte[] signature) {
        return consents.grantRemoteWithSig(patientId, granteeOrganizationId, granteeId, scopeHash,
                BigInteger.valueOf(expiresAt), nonce, signature).encodeFunctionCall();
    }

    /** Revoking a grant to a party of another organisation (ConsentRegistry.revokeRemoteWithSig). */
    public String encodeRevokeRemote(byte[] patientId, byte[] granteeOrganizationId, byte[] granteeId,
            byte[] scopeHash, BigInteger nonce, byte[] signature) {
        return consents.revokeRemoteWithSig(patientId, granteeOrganizationId, granteeId, scopeHash, nonce, signature)
                .encodeFunctionCall();
    }

    // ---- reads ----

    /** The node's chain id, through the short-timeout client of the readiness check. */
    public long probeChainId() {
        return call(() -> probe.ethChainId().send().getChainId().longValueExact());
    }

    /** The latest block number, through the short-timeout client of the readiness check. */
    public long probeBlockNumber() {
        return call(() -> probe.ethBlockNumber().send().getBlockNumber().longValueExact());
    }

    /** The head: the latest block's number and hash (a reorg of the same length changes only the hash). */
    public Head head() {
        return call(() -> {
            EthBlock.Block latest = checked(web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send())
                    .getBlock();
            return new Head(latest.getNumber().longValueExact(), latest.getHash().toLowerCase(Locale.ROOT));
        });
    }

    /**
     * The number of the block the node tags {@code finalized} or {@code safe}; empty when the node does
     * not know the tag (it answers with an error) or has no such block yet.
     */
    public OptionalLong taggedBlock(String tag) {
        return call(() -> {
            EthBlock answer = web3j.ethGetBlockByNumber(DefaultBlockParameterName.fromString(tag), false).send();
            if (answer.hasError() || answer.getBlock() == null) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(answer.getBlock().getNumber().longValueExact());
        });
    }

    /** The hash of block 0: with the chain id, what tells this chain from a replaced one. */
    public String genesisHash() {
        return block(0).map(b -> b.getHash().toLowerCase(Locale.ROOT))
                .orElseThrow(() -> new ChainUnavailableException("the node has no block 0", null));
    }

    public long blockNumber() {
        return call(() -> checked(web3j.ethBlockNumber().send()).getBlockNumber().longValueExact());
    }

    public BigInteger writerBalance() {
        return call(() -> checked(web3j.ethGetBalance(writer.getAddress(), DefaultBlockParameterName.LATEST).send())
                .getBalance());
    }

    /** The writer's transaction count including the node's pending pool. */
    public long pendingNonce() {
        return call(() -> checked(web3j.ethGetTransactionCount(writer.getAddress(), DefaultBlockParameterName.PENDING)
                .send()).getTransactionCount().longValueExact());
    }

    /** The writer's transaction count in the latest block: nonces below it are used for good (unless reorged). */
    public long latestNonce() {
        return call(() -> checked(web3j.ethGetTransactionCount(writer.getAddress(), DefaultBlockParameterName.LATEST)
                .send()).getTransactionCount().longValueExact());
    }

    public Optional<TransactionReceipt> receipt(String txHash) {
        return call(() -> checked(web3j.ethGetTransactionReceipt(txHash).send()).getTransactionReceipt());
    }

    /** The canonical block at {@code number}, without transactions; empty when the chain is shorter. */
    public Optional<EthBlock.Block> block(long number) {
        return call(() -> Optional.ofNullable(checked(web3j.ethGetBlockByNumber(
                DefaultBlockParameter.valueOf(BigInteger.valueOf(number)), false).send()).getBlock()));
    }

    /** EIP-1559 fees for a new transaction: max = 2 × base fee + tip. */
    public Fees currentFees() {
        return call(() -> {
            EthBlock.Block latest = checked(web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send())
                    .getBlock();
            BigInteger baseFee = latest.getBaseFeePerGas() == null ? BigInteger.ZERO : latest.getBaseFeePerGas();
            BigInteger tip = checked(web3j.ethMaxPriorityFeePerGas().send()).getMaxPriorityFeePerGas();
            return new Fees(baseFee.shiftLeft(1).add(tip).longValueExact(), tip.longValueExact());
        });
    }

    /** Pre-flights a call from the writer with {@code eth_call}: the decoded revert, or empty when it would succeed. */
    public Optional<ContractRevert> preflight(String to, String data) {
        return call(() -> ContractRevert.preflight(web3j, writer.getAddress(), to, data));
    }

    /** The node's gas estimate for a call from the writer. */
    public long estimateGas(String to, String data) {
        return call(() -> {
            EthEstimateGas estimate = web3j.ethEstimateGas(
                    Transaction.createEthCallTransaction(writer.getAddress(), to, data)).send();
            if (estimate.hasError()) {
                // The node answered: the call itself is refused (the state changed since the pre-flight).
                throw new IllegalStateException("gas estimate refused: " + estimate.getError().getMessage());
            }
            return estimate.getAmountUsed().longValueExact();
        });
    }

    /** {@code AnchorRegistry.anchoredAt(root)}: (timestamp, blockNumber, leafCount), zeros when unknown. */
    public Tuple3<BigInteger, BigInteger, BigInteger> anchoredAt(byte[] root) {
        return call(() -> anchors.anchoredAt(root).send());
    }

    /** The logs of {@code event} at {@code address} whose first indexed topic is {@code topic1}. */
    public List<Log> logs(String address, String eventTopic, String topic1) {
        return call(() -> {
            EthFilter filter = new EthFilter(DefaultBlockParameterName.EARLIEST, DefaultBlockParameterName.LATEST,
                    address);
            filter.addSingleTopic(eventTopic);
            filter.addSingleTopic(topic1);
            return checked(web3j.ethGetLogs(filter).send()).getLogs().stream()
                    .map(r -> (Log) r.get()).toList();
        });
    }

    // ---- signing and sending ----

    /** Signs an EIP-1559 transaction from the writer; nothing is sent. */
    public Signed sign(long nonce, String to, String data, long gasLimit, long maxFeePerGas, long maxPriorityFee) {
        RawTransaction raw = RawTransaction.createTransaction(config.chainId(), BigInteger.valueOf(nonce),
                BigInteger.valueOf(gasLimit), to, BigInteger.ZERO, data, BigInteger.valueOf(maxPriorityFee),
                BigInteger.valueOf(maxFeePerGas));
        byte[] signed = TransactionEncoder.signMessage(raw, writer);
        return new Signed(Numeric.toHexString(signed), Numeric.toHexString(Hash.sha3(signed)));
    }

    /**
     * Broadcasts a signed transaction. A node that already has it ("already known") counts as accepted;
     * any other refusal is returned as its message.
     *
     * @return empty when the node accepted it, else the node's reason
     */
    public Optional<String> broadcast(String rawTx) {
        return call(() -> {
            EthSendTransaction sent = web3j.ethSendRawTransaction(rawTx).send();
            if (!sent.hasError()) {
                return Optional.empty();
            }
            String message = sent.getError().getMessage();
            String lower = message == null ? "" : message.toLowerCase(Locale.ROOT);
            if (lower.contains("already known") || lower.contains("already imported")
                    || lower.contains("already exists")) {
                return Optional.empty();
            }
            return Optional.of(message == null ? "refused" : message);
        });
    }

    /** The chain's head block. */
    public record Head(long number, String hash) {
    }

    /** A signed transaction and its hash. */
    public record Signed(String rawTx, String txHash) {
    }

    /** EIP-1559 fees in wei per gas. */
    public record Fees(long maxFeePerGas, long maxPriorityFeePerGas) {
    }

    private static <R extends Response<?>> R checked(R response) {
        if (response.hasError()) {
            throw new ChainUnavailableException("node error: " + response.getError().getMessage(), null);
        }
        return response;
    }

    private <T> T call(Callable<T> rpc) {
        try {
            return rpc.call();
        } catch (ChainUnavailableException e) {
            throw e;
        } catch (IOException e) {
            throw new ChainUnavailableException("Ethereum node at " + config.rpcUrl() + " unreachable: "
                    + e.getMessage(), e);
        } catch (Exception e) {
            if (e.getCause() instanceof IOException io) {
                throw new ChainUnavailableException("Ethereum node at " + config.rpcUrl() + " unreachable: "
                        + io.getMessage(), io);
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new ChainUnavailableException("chain call failed: " + e.getMessage(), e);
        }
    }

    private static String lower(String address) {
        return address.toLowerCase(Locale.ROOT);
    }
}
