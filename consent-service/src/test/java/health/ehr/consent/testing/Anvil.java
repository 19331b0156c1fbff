package health.ehr.consent.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;

/**
 * A private anvil for this module's tests, started from the binary the local stack installed
 * ({@code deploy/local/platform up anvil}) on a free port. The tests mine blocks and reorganise the
 * chain ({@code anvil_reorg}), which must never happen to the shared anvil other modules use.
 */
public final class Anvil implements AutoCloseable {

    private final String url;
    private final Path log;
    private final Process process;
    private final HttpService http;
    private final Web3j web3j;

    private Anvil(String url, Path log, Process process) {
        this.url = url;
        this.log = log;
        this.process = process;
        this.http = new HttpService(url);
        this.web3j = Web3j.build(http);
    }

    /** Starts anvil (chain id 31337, automine) on a free port; its banner goes to {@code dir/anvil.log}. */
    public static Anvil start(Path root, Path dir) throws Exception {
        Path binary = binary(root);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Files.createDirectories(dir);
        Path log = dir.resolve("anvil.log");
        Process process = new ProcessBuilder(List.of(binary.toString(), "--host", "127.0.0.1", "--port",
                Integer.toString(port), "--chain-id", "31337", "--prune-history", "64", "--cache-path",
                dir.resolve("cache").toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Anvil anvil = new Anvil("http://127.0.0.1:" + port, log, process);
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < end) {
            try {
                anvil.web3j.ethChainId().send();
                return anvil;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    break;
                }
                Thread.sleep(50);
            }
        }
        anvil.close();
        throw new IllegalStateException("anvil did not start, see " + log);
    }

    /** The anvil binary of the local stack; {@code deploy/local/platform up anvil} installs it. */
    static Path binary(Path root) throws Exception {
        String env = System.getenv("EHR_ANVIL_BIN");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        Path bin = root.resolve(".local/tools/anvil/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
        if (!Files.isExecutable(bin)) {
            LocalPlatform.up("anvil");
        }
        if (!Files.isExecutable(bin)) {
            throw new IllegalStateException("no anvil at " + bin + " (deploy/local/platform up infra installs it)");
        }
        return bin;
    }

    /** The private key of dev account {@code index}, as anvil's startup banner prints it. */
    public String devKey(int index) throws IOException {
        String banner = Files.readString(log, StandardCharsets.UTF_8);
        int keys = banner.indexOf("Private Keys");
        Matcher m = Pattern.compile("\\(" + index + "\\) (0x[0-9a-fA-F]{64})")
                .matcher(banner.substring(Math.max(0, keys)));
        if (keys < 0 || !m.find()) {
            throw new IllegalStateException("no key of account " + index + " in anvil's banner " + log);
        }
        return m.group(1);
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

    @Override
    public void close() throws InterruptedException {
        web3j.shutdown();
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** A JSON-RPC response of any shape. */
    public static class RawResponse extends Response<Object> {
    }
}
