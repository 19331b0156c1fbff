package health.ehr.notification.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.ehr.support.testing.LocalStack;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Real accounts for tests: patients and practitioners registered through identity-service (started
 * through {@code deploy/local/platform up identity-service} when it is not running), with their
 * Keycloak tokens.
 */
public final class Parties {

    /** A registered party: its id (the Keycloak subject), e-mail and a fresh access token. */
    public record Party(UUID id, String email, String token) {
    }

    public static final String PASSWORD = "Correct-Horse-9";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile boolean identityReady;

    private Parties() {
    }

    public static String identityUrl() {
        return LocalStack.serviceUrl("EHR_IDENTITY_PORT", 8081);
    }

    public static Party patient(String label) {
        String email = uniqueEmail(label);
        JsonNode created = post("/api/identity/patients", null, Map.of("email", email, "password", PASSWORD,
                "givenName", "Test", "familyName", "Patient", "birthDate", "1980-01-01"));
        return new Party(UUID.fromString(created.get("patientId").asText()), email, LocalStack.userToken(email, PASSWORD));
    }

    public static Party practitioner(String label) {
        String email = uniqueEmail(label);
        String admin = LocalStack.userToken(LocalStack.ADMIN_EMAIL, LocalStack.ADMIN_PASSWORD);
        JsonNode created = post("/api/identity/practitioners", admin, Map.of("email", email, "password", PASSWORD,
                "givenName", "Test", "familyName", "Doctor", "licenseNumber", "L-" + UUID.randomUUID().toString()
                        .substring(0, 8), "specialty", "General practice", "organization", "Test Hospital"));
        return new Party(UUID.fromString(created.get("practitionerId").asText()), email,
                LocalStack.userToken(email, PASSWORD));
    }

    public static String uniqueEmail(String label) {
        return label + "-" + UUID.randomUUID().toString().substring(0, 12) + "@test.ehr.local";
    }

    private static JsonNode post(String path, String token, Map<String, String> body) {
        ensureIdentityService();
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(identityUrl() + path))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts identity-service through the local-stack script unless it already answers ready. */
    public static synchronized void ensureIdentityService() {
        if (identityReady || ready()) {
            identityReady = true;
            return;
        }
        try {
            File root = new File(System.getProperty("user.dir")).getParentFile();
            Process up = new ProcessBuilder(new File(root, "deploy/local/platform").getPath(), "up", "identity-service")
                    .directory(root).inheritIO().start();
            if (!up.waitFor(10, TimeUnit.MINUTES) || up.exitValue() != 0) {
                throw new IllegalStateException("deploy/local/platform up identity-service failed");
            }
            long deadline = System.currentTimeMillis() + 120_000;
            while (!ready() && System.currentTimeMillis() < deadline) {
                Thread.sleep(500);
            }
            if (!ready()) {
                throw new IllegalStateException("identity-service did not become ready");
            }
            identityReady = true;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean ready() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(identityUrl() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }
}
