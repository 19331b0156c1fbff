package health.ehr.support.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;

/**
 * An anvil node for tests: the local stack's ({@link #shared()}: only add blocks there, other modules use it) or a
 * throwaway one on a free port ({@link #throwaway}), started from the anvil binary the local stack installed, for
 * tests that stop it, reorganise it, replace its chain or change its mining.
 *
 * <p>Which dev account a module's tests write with is the module's own choice (sharing a key between modules that
 * run at the same time would break nonces), so the keys live in the modules, not here.
 */
public final class Anvil implements AutoCloseable {

    private final String url;
    private final HttpService http;
    private final Web3j web3j;
    /** The command line of a throwaway node; null for the shared one. */
    private final List<String> startArgs;
    private final Path log;
    private Process process;

    private Anvil(String url, List<String> startArgs, Path log) {
        this.url = url;
        this.http = new HttpService(url);
        this.web3j = Web3j.build(http);
        this.startArgs = startArgs;
        this.log = log;
    }

    /** The local stack's anvil (EHR_CHAIN_RPC_URL, default http://localhost:8545). */
    public static Anvil shared() {
        return new Anvil(LocalStack.env("EHR_CHAIN_RPC_URL", "http://localhost:8545"), null, null);
    }

    /**
     * Starts a fresh anvil (chain id 31337, automine unless {@code extraArgs} say otherwise) on a free port, keeping
     * its state in {@code dir} (survives {@link #stop()}/{@link #start()}); its output goes to {@code dir/anvil.log}.
     */
    public static Anvil throwaway(Path dir, String... extraArgs) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Files.createDirectories(dir);
        List<String> args = new ArrayList<>(List.of(binary().toString(), "--host", "127.0.0.1", "--port",
                Integer.toString(port), "--chain-id", "31337", "--prune-history", "64", "--cache-path",
                dir.resolve("cache").toString(), "--state", dir.resolve("state.json").toString()));
        args.addAll(Arrays.asList(extraArgs));
        Anvil anvil = new Anvil("http://127.0.0.1:" + port, args, dir.resolve("anvil.log"));
        try {
            anvil.start();
        } catch (Exception e) {
            anvil.close();
            throw e;
        }
        return anvil;
    }

    /**
     * The anvil binary the local stack installed ({@code deploy/local/platform up anvil}, run here when it is
     * missing), or EHR_ANVIL_BIN.
     */
    public static Path binary() {
        String env = System.getenv("EHR_ANVIL_BIN");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        Path bin = LocalStack.repositoryRoot()
                .resolve(".local/tools/anvil/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
        if (!Files.isExecutable(bin)) {
            LocalStack.ensureService("anvil");
        }
        if (!Files.isExecutable(bin)) {
            throw new IllegalStateException("no anvil at " + bin
                    + ": run deploy/local/platform up infra or set EHR_ANVIL_BIN");
        }
        return bin;
    }

    /** Starts a throwaway anvil (again, after {@link #stop()}): waits until it answers. */
    public void start() throws Exception {
        if (startArgs == null) {
            throw new IllegalStateException("the shared anvil is the local stack's, not started by tests");
        }
        process = new ProcessBuilder(startArgs).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < end) {
            try {
                web3j.ethChainId().send();
                return;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    break;
                }
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("throwaway anvil did not start, see " + log);
    }

    /** Stops a throwaway anvil (SIGTERM: it writes its state file first). */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /**
     * Replaces a throwaway anvil's chain with a new one on the same port: stopped, its state file
     * deleted, started again with a fresh genesis block (a test network reset under a kept database).
     */
    public void replaceChain() throws Exception {
        stop();
        Files.deleteIfExists(Path.of(startArgs.get(startArgs.indexOf("--state") + 1)));
        start();
    }

    /** The hash of block 0. */
    public String genesisHash() throws IOException {
        return web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.ZERO), false).send().getBlock()
                .getHash();
    }

    /** The private key of dev account {@code index}, as a throwaway anvil's startup banner prints it. */
    public String devKey(int index) throws IOException {
        if (log == null) {
            throw new IllegalStateException("the shared anvil's banner is not at hand");
        }
        String banner = Files.readString(log, StandardCharsets.UTF_8);
        int keys = banner.indexOf("Private Keys");
        Matcher m = Pattern.compile("\\(" + index + "\\) (0x[0-9a-fA-F]{64})")
                .matcher(banner.substring(Math.max(0, keys)));
        if (keys < 0 || !m.find()) {
            throw new IllegalStateException("no key of account " + index + " in anvil's banner " + log);
        }
        return m.group(1);
    }

    /** Stops a throwaway anvil; for both, releases the client. */
    @Override
    public void close() throws InterruptedException {
        try {
            stop();
        } finally {
            web3j.shutdown();
        }
    }

    public String url() {
        return url;
    }

    public Web3j web3j() {
        return web3j;
    }

    /** A raw JSON-RPC call (anvil_*, evm_*); returns the result, fails on an error. */
    public Object rpc(String method, Object... params) throws IOException {
        Response<?> response = new Request<>(method, Arrays.asList(params), http, RawResponse.class).send();
        if (response.hasError()) {
            throw new IllegalStateException(method + ": " + response.getError().getMessage());
        }
        return response.getResult();
    }

    /** Mines {@code blocks} empty blocks. */
    public void mine(int blocks) throws IOException {
        rpc("anvil_mine", "0x" + Integer.toHexString(blocks));
    }

    /** Replaces the last {@code depth} blocks by as many empty ones: their transactions are gone. */
    public void reorg(int depth) throws IOException {
        rpc("anvil_reorg", depth, List.of());
    }

    public long blockNumber() throws IOException {
        return web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
    }

    /** A JSON-RPC response of any shape. */
    public static class RawResponse extends Response<Object> {
    }
}
