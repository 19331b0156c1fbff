package health.ehr.support.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The local stack's addresses and seeded accounts (deploy/local/README.md) for tests, with
 * real Keycloak tokens: password grant through the public client {@code ehr-portal}, client
 * credentials for the services' confidential clients. Every address honours the same environment
 * variables as {@code deploy/local/platform}.
 */
public final class LocalStack {

    public static final String ADMIN_EMAIL = "admin@ehr.local";
    public static final String ADMIN_PASSWORD = "admin-pass";
    public static final String AUDITOR_EMAIL = "auditor@ehr.local";
    public static final String AUDITOR_PASSWORD = "auditor-pass";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Services this test JVM has already seen up (the script is asked once per service). */
    private static final java.util.Set<String> STARTED = new java.util.HashSet<>();

    private LocalStack() {
    }

    public static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    public static String keycloakUrl() {
        return env("EHR_KEYCLOAK_URL", "http://localhost:" + env("EHR_KEYCLOAK_PORT", "8180"));
    }

    public static String gatewayUrl() {
        return "http://localhost:" + env("EHR_GATEWAY_PORT", "8080");
    }

    public static String serviceUrl(String portVariable, int defaultPort) {
        return "http://localhost:" + env(portVariable, Integer.toString(defaultPort));
    }

    /**
     * Makes sure one of the platform's services runs, through the project's own script
     * ({@code deploy/local/platform up NAME}, which starts it only if it is down and waits until it
     * is ready). An existing jar is started as it is; without one, the script builds first.
     */
    public static synchronized void ensureService(String name) {
        if (STARTED.contains(name)) {
            return;
        }
        Path script = repositoryRoot().resolve("deploy/local/platform");
        try {
            ProcessBuilder builder = new ProcessBuilder(script.toString(), "up", name)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT);
            // Inside a build the reactor has just packaged the service: start that jar, build nothing.
            if (Files.exists(repositoryRoot().resolve(name + "/target/quarkus-app/quarkus-run.jar"))) {
                builder.environment().put("EHR_SKIP_BUILD", "1");
            }
            Process process = builder.start();
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException("deploy/local/platform up " + name + " failed");
            }
            STARTED.add(name);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A freshly self-registered patient (through identity-service, which is started if needed). */
    public static Party registerPatient() {
        return registerPatient("patient");
    }

    /** A unique test e-mail address starting with {@code label}. */
    public static String uniqueEmail(String label) {
        return label + "-" + java.util.UUID.randomUUID().toString().substring(0, 12) + "@example.test";
    }

    /** A freshly self-registered patient whose e-mail starts with {@code label}. */
    public static Party registerPatient(String label) {
        ensureService("identity-service");
        String email = uniqueEmail(label);
        String password = "Correct-Horse-9";
        String body = "{\"email\":\"" + email + "\",\"password\":\"" + password
                + "\",\"givenName\":\"Test\",\"familyName\":\"Patient\",\"birthDate\":\"1980-01-01\"}";
        JsonNode created = post(serviceUrl("EHR_IDENTITY_PORT", 8081) + "/api/identity/patients", body, null);
        return new Party(java.util.UUID.fromString(created.get("patientId").asText()), email, password,
                userToken(email, password));
    }

    /** A practitioner registered by the seeded administrator (identity-service is started if needed). */
    public static Party registerPractitioner() {
        return registerPractitioner("doctor");
    }

    /** A practitioner whose e-mail starts with {@code label}. */
    public static Party registerPractitioner(String label) {
        ensureService("identity-service");
        String email = uniqueEmail(label);
        String password = "Correct-Horse-9";
        String body = "{\"email\":\"" + email + "\",\"password\":\"" + password
                + "\",\"givenName\":\"Test\",\"familyName\":\"Doctor\",\"licenseNumber\":\"T-1\","
                + "\"specialty\":\"General practice\",\"organization\":\"Test Hospital\"}";
        JsonNode created = post(serviceUrl("EHR_IDENTITY_PORT", 8081) + "/api/identity/practitioners", body,
                userToken(ADMIN_EMAIL, ADMIN_PASSWORD));
        return new Party(java.util.UUID.fromString(created.get("practitionerId").asText()), email, password,
                userToken(email, password));
    }

    /** A registered party with a fresh access token. */
    public record Party(java.util.UUID id, String email, String password, String token) {
    }

    private static JsonNode post(String url, String json, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(url + " is not reachable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The checkout's root: the nearest folder above the working directory holding deploy/local/platform. */
    public static Path repositoryRoot() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null && !Files.isExecutable(dir.resolve("deploy/local/platform"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("deploy/local/platform not found above " + System.getProperty("user.dir"));
        }
        return dir;
    }

    /** An access token for a user of realm {@code ehr}, through the password grant. */
    public static String userToken(String username, String password) {
        return token(Map.of("grant_type", "password", "client_id", "ehr-portal",
                "username", username, "password", password, "scope", "openid"));
    }

    /** An access token for a confidential client, through the client-credentials grant. */
    public static String clientToken(String clientId, String secret) {
        return token(Map.of("grant_type", "client_credentials", "client_id", clientId, "client_secret", secret));
    }

    /** The local-only secret of a platform service's Keycloak client. */
    public static String localServiceSecret(String clientId) {
        return clientId + "-local-secret";
    }

    private static String token(Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(keycloakUrl() + "/realms/ehr/protocol/openid-connect/token"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("Keycloak refused a token (" + response.statusCode() + "): "
                        + response.body() + " — is the local stack up? deploy/local/platform up infra");
            }
            JsonNode json = JSON.readTree(response.body());
            return json.get("access_token").asText();
        } catch (IOException e) {
            throw new IllegalStateException("Keycloak at " + keycloakUrl()
                    + " is not reachable — is the local stack up? deploy/local/platform up infra", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
