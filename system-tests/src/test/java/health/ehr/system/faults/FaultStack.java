package health.ehr.system.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.ehr.support.testing.LocalStack;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.web3j.crypto.Hash;

/**
 * The stack under test as the fault run sees it: the gateway (with tokens that are renewed before
 * they expire), the platform script that kills and restarts components, GreenMail's REST API, the
 * chain's JSON-RPC endpoint and chain-anchor-service's database over MariaDB's local socket. Every
 * address follows the same environment variables as {@code deploy/local/platform}.
 */
final class FaultStack {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    final String gateway = LocalStack.gatewayUrl();
    final String rpc = LocalStack.env("EHR_CHAIN_RPC_URL",
            "http://localhost:" + LocalStack.env("EHR_CHAIN_PORT", "8545"));
    final String mailApi = "http://localhost:" + LocalStack.env("EHR_MAIL_API_PORT", "8025");
    final Path root = LocalStack.repositoryRoot();
    final Path state = Path.of(LocalStack.env("EHR_STATE_DIR", root.resolve(".local").toString()))
            .toAbsolutePath().normalize();

    /** A party of the run: its id, e-mail, password, and a token renewed every 10 minutes (Keycloak gives 15). */
    static final class Party {
        final String id;
        final String email;
        final String password;
        private volatile String token;
        private volatile long tokenAt;

        Party(LocalStack.Party party) {
            this.id = party.id().toString();
            this.email = party.email();
            this.password = party.password();
            this.token = party.token();
            this.tokenAt = System.nanoTime();
        }

        synchronized String token() {
            if (System.nanoTime() - tokenAt > TimeUnit.MINUTES.toNanos(10)) {
                renew();
            }
            return token;
        }

        synchronized void renew() {
            token = LocalStack.userToken(email, password);
            tokenAt = System.nanoTime();
        }
    }

    /** An HTTP answer, or none: {@code status} 0 when the request failed without one ({@code error} says how). */
    record Answer(int status, byte[] body, String error, boolean refused) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON (" + status + "): " + text(), e);
            }
        }

        String text() {
            return body == null ? "" : new String(body, StandardCharsets.UTF_8);
        }
    }

    Answer send(String method, String path, Party party, String contentType, byte[] body) {
        for (int auth = 0; ; auth++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + path))
                    .timeout(Duration.ofSeconds(60));
            if (party != null) {
                request.header("Authorization", "Bearer " + party.token());
            }
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", contentType)
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
            }
            Answer answer = exchange(request.build());
            // A 401 after a token's lifetime: a real client renews it and asks again (nothing was done).
            if (answer.status() == 401 && party != null && auth == 0) {
                party.renew();
                continue;
            }
            return answer;
        }
    }

    Answer get(String path, Party party) {
        return send("GET", path, party, null, null);
    }

    Answer postJson(String path, Party party, String json) {
        return send("POST", path, party, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /** POST /api/records as multipart, the patient's own record. */
    Answer upload(Party patient, String title, byte[] content) {
        String boundary = "faults" + Long.toHexString(System.nanoTime());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            for (String[] field : new String[][] {{"patientId", patient.id}, {"category", "LAB_RESULT"},
                    {"title", title}}) {
                body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field[0]
                        + "\"\r\n\r\n" + field[1] + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            body.write(("--" + boundary
                    + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"result.txt\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.write(content);
            body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return send("POST", "/api/records", patient, "multipart/form-data; boundary=" + boundary, body.toByteArray());
    }

    private static Answer exchange(HttpRequest request) {
        try {
            HttpResponse<byte[]> response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), response.body(), null, false);
        } catch (ConnectException e) {
            return new Answer(0, null, "connection refused", true);
        } catch (IOException e) {
            return new Answer(0, null, e.getClass().getSimpleName() + ": " + e.getMessage(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every item of a paged list ({@code ?page=&size=200}). */
    List<JsonNode> all(String path, Party party) {
        List<JsonNode> items = new ArrayList<>();
        String sep = path.contains("?") ? "&" : "?";
        for (int page = 0; ; page++) {
            Answer answer = get(path + sep + "page=" + page + "&size=200", party);
            if (answer.status() != 200) {
                throw new IllegalStateException(path + " answered " + answer.status() + " " + answer.error() + " "
                        + answer.text());
            }
            JsonNode json = answer.json();
            json.get("items").forEach(items::add);
            if (json.get("items").size() < 200 || items.size() >= json.path("total").asLong(Long.MAX_VALUE)) {
                return items;
            }
        }
    }

    // ------------------------------------------------------------------------- platform script

    /** Runs {@code deploy/local/platform ARGS} (its output goes to ours); true when it exited 0. */
    boolean platform(String... args) {
        // faults.sh --frozen-jars: the copy of the script that runs the copied jars.
        String script = LocalStack.env("EHR_FAULTS_PLATFORM", root.resolve("deploy/local/platform").toString());
        List<String> command = new ArrayList<>(List.of(script));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("EHR_SKIP_BUILD", "1"); // restart the jars that run now, build nothing
        try {
            Process process = builder.start();
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "?";
        }
    }

    // ------------------------------------------------------------------------- GreenMail

    /** Subject → number of messages in one recipient's inbox (empty when GreenMail does not know the address). */
    ConcurrentHashMap<String, Integer> inbox(String email) {
        ConcurrentHashMap<String, Integer> subjects = new ConcurrentHashMap<>();
        HttpRequest request = HttpRequest.newBuilder(URI.create(mailApi + "/api/user/"
                + URLEncoder.encode(email, StandardCharsets.UTF_8) + "/messages/INBOX"))
                .timeout(Duration.ofSeconds(30)).GET().build();
        Answer answer = exchange(request);
        if (answer.status() == 200) {
            for (JsonNode message : answer.json()) {
                subjects.merge(message.path("subject").asText(), 1, Integer::sum);
            }
        } else if (answer.status() != 404 && answer.status() != 400) {
            throw new IllegalStateException("GreenMail API answered " + answer.status() + " " + answer.error());
        }
        return subjects;
    }

    // ------------------------------------------------------------------------- chain

    JsonNode rpc(String method, String params) {
        String call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}";
        Answer answer = exchange(HttpRequest.newBuilder(URI.create(rpc)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(call)).build());
        if (answer.status() != 200) {
            throw new IllegalStateException("JSON-RPC " + method + " answered " + answer.status() + " "
                    + answer.error());
        }
        JsonNode json = answer.json();
        if (json.has("error")) {
            throw new IllegalStateException("JSON-RPC " + method + ": " + json.get("error"));
        }
        return json.get("result");
    }

    /** A view call's 32-byte words. */
    String call(String contract, String signature, String... words) {
        StringBuilder data = new StringBuilder(Hash.sha3String(signature).substring(0, 10));
        for (String word : words) {
            data.append(word.startsWith("0x") ? word.substring(2) : word);
        }
        return rpc("eth_call", "[{\"to\":\"" + contract + "\",\"data\":\"" + data + "\"},\"latest\"]").asText();
    }

    long blockNumber() {
        return Long.decode(rpc("eth_blockNumber", "[]").asText());
    }

    boolean hasCode(String address) {
        String code = rpc("eth_getCode", "[\"" + address + "\",\"latest\"]").asText();
        return code.length() > 2;
    }

    /** The addresses deploy/local/platform deployed for this stack ({@code <state>/contracts.env}). */
    String contract(String variable) {
        try {
            for (String line : Files.readAllLines(state.resolve("contracts.env"))) {
                if (line.startsWith(variable + "=")) {
                    return line.substring(variable.length() + 1).trim();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("no " + state.resolve("contracts.env"), e);
        }
        throw new IllegalStateException(variable + " not in " + state.resolve("contracts.env"));
    }

    // ------------------------------------------------------------------------- MariaDB

    /** The MariaDB socket as deploy/local/platform places it (a hashed name under /tmp for long paths). */
    String socket() {
        String socket = state.resolve("run/mariadb.sock").toString();
        if (socket.length() > 100) {
            try {
                byte[] hash = MessageDigest.getInstance("SHA-256")
                        .digest(state.toString().getBytes(StandardCharsets.UTF_8));
                socket = "/tmp/ehr-mariadb-" + HexFormat.of().formatHex(hash).substring(0, 12) + ".sock";
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return socket;
    }

    /** Rows of a query as root over the local socket, tab-separated columns. */
    List<String[]> query(String sql) {
        try {
            Process process = new ProcessBuilder("mariadb", "--socket=" + socket(), "-uroot", "-N", "-B",
                    "--max-allowed-packet=256M", "-e", sql).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException("mariadb failed on: " + sql);
            }
            List<String[]> rows = new ArrayList<>();
            for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
                if (!line.isEmpty()) {
                    rows.add(line.split("\t", -1));
                }
            }
            return rows;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run mariadb (socket " + socket() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
