package health.ehr.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.ehr.support.testing.LocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The platform as the local stack runs it: every service ready, and the gateway enforcing sign-in
 * with real Keycloak tokens.
 */
class PlatformSmokeIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0} is ready")
    @CsvSource({
        "identity-service, EHR_IDENTITY_PORT, 8081",
        "records-service, EHR_RECORDS_PORT, 8082",
        "consent-service, EHR_CONSENT_PORT, 8083",
        "appointment-service, EHR_APPOINTMENT_PORT, 8084",
        "notification-service, EHR_NOTIFICATION_PORT, 8085",
        "chain-anchor-service, EHR_CHAIN_ANCHOR_PORT, 8086"
    })
    void everyServiceIsReady(String service, String portVariable, int defaultPort) throws Exception {
        HttpResponse<String> ready = get(LocalStack.serviceUrl(portVariable, defaultPort) + "/q/health/ready", null);

        assertEquals(200, ready.statusCode(), service + " readiness: " + ready.body());
        assertEquals("UP", JSON.readTree(ready.body()).get("status").asText());
    }

    @Test
    void theGatewayRefusesAnonymousCallersWithProblemJson() throws Exception {
        HttpResponse<String> response = get(LocalStack.gatewayUrl() + "/api/identity/me", null);

        assertEquals(401, response.statusCode());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
        assertEquals(401, JSON.readTree(response.body()).get("status").asInt());
    }

    @Test
    void theGatewayLetsASignedInUserThrough() throws Exception {
        String token = LocalStack.userToken(LocalStack.ADMIN_EMAIL, LocalStack.ADMIN_PASSWORD);

        HttpResponse<String> response = get(LocalStack.gatewayUrl() + "/api/identity/me", token);

        assertEquals(200, response.statusCode(), response.body());
        JsonNode me = JSON.readTree(response.body());
        assertEquals("admin@ehr.local", me.get("email").asText());
        assertEquals("admin", me.get("role").asText());
    }

    @Test
    void pathsOutsideTheApiAreaNamesAnswerProblemJson404() throws Exception {
        HttpResponse<String> response = get(LocalStack.gatewayUrl() + "/api/nowhere", null);

        assertEquals(404, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                response.headers().map().toString());
    }

    private static HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
