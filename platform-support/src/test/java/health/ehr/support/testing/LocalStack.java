package health.ehr.support.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The local stack's addresses and seeded accounts (deploy/local, LOCAL-STACK.md) for tests, with
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
