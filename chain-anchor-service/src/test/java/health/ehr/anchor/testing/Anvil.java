package health.ehr.anchor.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;

/**
 * An anvil node for tests: the local stack's (shared: only add blocks there) or a throwaway one on a
 * free port started from the local stack's anvil binary, for tests that stop it, reorg it or change
 * its mining.
 */
public final class Anvil implements AutoCloseable {

    /** anvil's dev account 8 (public knowledge, local chains only): this module's tests deploy and write with it. */
    public static final String ACCOUNT_8_KEY = "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97";
    public static final String ACCOUNT_8 = "0x23618e81e3f5cdf7f54c3d65f7fbc0abf5b21e8f";

    private final String url;
    private final HttpService http;
    private final Web3j web3j;
    private final List<String> startArgs;
    private Process process;

    private Anvil(String url, List<String> startArgs) {
        this.url = url;
        this.http = new HttpService(url);
        this.web3j = Web3j.build(http);
        this.startArgs = startArgs;
    }

    /** The local stack's anvil (EHR_CHAIN_RPC_URL). */
    public static Anvil shared() {
        String url = System.getenv().getOrDefault("EHR_CHAIN_RPC_URL", "http://localhost:8545");
        return new Anvil(url, null);
    }

    /**
     * Starts a fresh anvil on a free port, keeping its state in {@code dir}
     * (survives {@link #stop()}/{@link #start()}).
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
        Anvil anvil = new Anvil("http://127.0.0.1:" + port, args);
        anvil.start();
        return anvil;
    }

    /** The anvil binary the local stack installed (deploy/local/platform), or EHR_ANVIL_BIN. */
    public static Path binary() {
        String env = System.getenv("EHR_ANVIL_BIN");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isDirectory(root.resolve("deploy/local"))) {
            root = root.getParent();
        }
        if (root == null) {
            throw new IllegalStateException("cannot find the repository root from " + Path.of("").toAbsolutePath());
        }
        Path bin = root.resolve(".local/tools/anvil/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
        if (!Files.isExecutable(bin)) {
            throw new IllegalStateException("no anvil at " + bin
                    + ": run deploy/local/platform up infra or set EHR_ANVIL_BIN");
        }
        return bin;
    }

    public void start() throws Exception {
        Path log = Path.of(startArgs.get(startArgs.indexOf("--cache-path") + 1)).getParent().resolve("anvil.log");
        process = new ProcessBuilder(startArgs).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < end) {
            try {
                web3j.ethChainId().send();
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("throwaway anvil did not start: " + log);
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
        return web3j.ethGetBlockByNumber(org.web3j.protocol.core.DefaultBlockParameter.valueOf(
                java.math.BigInteger.ZERO), false).send().getBlock().getHash();
    }

    @Override
    public void close() throws Exception {
        stop();
        web3j.shutdown();
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

    public long blockNumber() throws IOException {
        return web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
    }

    /** A response of any shape. */
    public static class RawResponse extends Response<Object> {
    }
}
