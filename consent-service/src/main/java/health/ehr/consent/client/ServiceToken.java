package health.ehr.consent.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.ehr.consent.config.ConsentConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * consent-service's own access token (client-credentials grant of client {@code consent-service}),
 * which identity-service's internal endpoints require. Cached until shortly before it expires.
 */
@ApplicationScoped
public class ServiceToken {

    private static final Duration EARLY_RENEWAL = Duration.ofSeconds(30);

    private final ConsentConfig.Identity settings;
    private final ObjectMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private String token;
    private Instant renewAt = Instant.EPOCH;

    public ServiceToken(ConsentConfig config, ObjectMapper json) {
        this.settings = config.identity();
        this.json = json;
    }

    /** A valid bearer token, fetched from Keycloak when none is cached or it is about to expire. */
    public synchronized String bearer() {
        if (token == null || Instant.now().isAfter(renewAt)) {
            fetch();
        }
        return "Bearer " + token;
    }

    /** Drops the cached token (after identity-service refused it). */
    public synchronized void invalidate() {
        token = null;
    }

    private void fetch() {
        String form = "grant_type=client_credentials&client_id=" + enc(settings.clientId())
                + "&client_secret=" + enc(settings.clientSecret());
        HttpRequest request = HttpRequest.newBuilder(URI.create(settings.tokenUrl()))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IdentityUnavailableException("Keycloak refused consent-service's token ("
                        + response.statusCode() + ")");
            }
            JsonNode body = json.readTree(response.body());
            token = body.path("access_token").asText();
            long lifetime = body.path("expires_in").asLong(60);
            renewAt = Instant.now().plusSeconds(lifetime).minus(EARLY_RENEWAL);
        } catch (IOException e) {
            throw new IdentityUnavailableException("Keycloak is not reachable for consent-service's token", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IdentityUnavailableException("interrupted while fetching a token", e);
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
