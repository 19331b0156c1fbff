package health.ehr.support.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import health.ehr.support.rest.SecurityHeaders;
import health.ehr.support.security.VerifiedTokenCache;
import io.quarkus.arc.ClientProxy;
import io.smallrye.jwt.auth.principal.JWTParser;
import jakarta.enterprise.inject.spi.CDI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * What every service promises regardless of its domain: ready only when its hard dependencies
 * answer, its OpenAPI document (a summary on every operation) and Prometheus metrics served,
 * problem+json for unknown paths, bearer tokens verified through platform-support's
 * {@link VerifiedTokenCache}, and the settings every service shares (platform-support's
 * {@code META-INF/microprofile-config.properties}) in force.
 * Each service's {@code HealthResourceTest} is a {@code @QuarkusTest} that extends this.
 */
public abstract class ServiceBasicsContract {

    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    /** The title of the service's OpenAPI document, e.g. {@code EHR Identity API}. */
    protected abstract String apiTitle();

    /** The service's API area, e.g. {@code /api/identity}. */
    protected abstract String apiArea();

    /** The readiness checks that must be there and UP. */
    protected List<String> readinessChecks() {
        return List.of("Database connections health check", "Kafka connection health check");
    }

    @Test
    void isReadyWhenItsHardDependenciesAnswer() {
        var ready = given().when().get("/q/health/ready")
                .then().log().ifValidationFails().statusCode(200)
                .body("status", equalTo("UP"));
        readinessChecks().forEach(check -> ready.body("checks.name", hasItem(check)));
    }

    @Test
    void servesItsOpenApiDocumentAndPrometheusMetrics() {
        given().when().get("/q/openapi?format=json")
                .then().statusCode(200)
                .body("info.title", equalTo(apiTitle()));
        given().when().get("/q/metrics")
                .then().statusCode(200);
    }

    /** Every endpoint says what it does in the OpenAPI document ({@code @Operation(summary = ...)}). */
    @Test
    void everyOperationHasASummary() {
        Map<String, Map<String, Object>> paths = given().when().get("/q/openapi?format=json")
                .then().statusCode(200).extract().jsonPath().getMap("paths");
        List<String> without = new ArrayList<>();
        paths.forEach((path, operations) -> operations.forEach((method, operation) -> {
            if (HTTP_METHODS.contains(method) && !(operation instanceof Map<?, ?> op && op.get("summary") != null)) {
                without.add(method.toUpperCase(Locale.ROOT) + " " + path);
            }
        }));
        assertEquals(List.of(), without, "operations without an @Operation summary");
    }

    /** The parser smallrye-jwt's request authentication is given is the caching one, not the default. */
    @Test
    void verifiesBearerTokensThroughTheVerifiedTokenCache() {
        assertInstanceOf(VerifiedTokenCache.class, ClientProxy.unwrap(CDI.current().select(JWTParser.class).get()));
    }

    @Test
    void unknownApiPathsAnswerProblemJson() {
        given().when().get(apiArea() + "/no-such-thing/really")
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404));
    }

    /**
     * Every answer carries the security headers the service sets itself (platform-support's
     * {@link SecurityHeaders}); API answers, problems included, are never cached and run nothing.
     */
    @Test
    void everyAnswerCarriesTheSecurityHeaders() {
        given().when().get(apiArea() + "/no-such-thing/really")
                .then().statusCode(404)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-store")
                .header("Content-Security-Policy", SecurityHeaders.CONTENT_SECURITY_POLICY);
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("Content-Security-Policy", nullValue());
    }

    /**
     * The settings every service shares come from platform-support's
     * {@code META-INF/microprofile-config.properties}, with the values each service's own
     * application.properties used to repeat.
     */
    @Test
    void seesTheSettingsEveryServiceShares() {
        Config config = ConfigProvider.getConfig();
        Map<String, String> env = System.getenv();
        String service = config.getValue("quarkus.application.name", String.class);
        Map<String, String> expected = Map.ofEntries(
                Map.entry("quarkus.datasource.username", env.getOrDefault("EHR_DB_USER", "ehr")),
                Map.entry("quarkus.datasource.jdbc.max-size", "16"),
                Map.entry("quarkus.datasource.jdbc.transaction-isolation-level", "read-committed"),
                Map.entry("quarkus.flyway.migrate-at-start", "true"),
                Map.entry("quarkus.flyway.clean-at-start", "true"),
                Map.entry("quarkus.hibernate-orm.schema-management.strategy", "validate"),
                Map.entry("kafka.bootstrap.servers", env.getOrDefault("EHR_KAFKA_BOOTSTRAP", "localhost:9092")),
                Map.entry("kafka.default.api.timeout.ms", "5000"),
                Map.entry("kafka.request.timeout.ms", "3000"),
                Map.entry("ehr.messaging.consumer-group", service + "-test"),
                Map.entry("mp.jwt.verify.audiences", "ehr-api"),
                Map.entry("smallrye.jwt.path.groups", "groups"));
        Map<String, String> seen = new TreeMap<>();
        expected.keySet().forEach(key -> seen.put(key, config.getOptionalValue(key, String.class).orElse(null)));
        assertEquals(new TreeMap<>(expected), seen);
        assertTrue(config.getValue("mp.jwt.verify.issuer", String.class).endsWith("/realms/ehr"));
        // quarkus.http.test-port=0: Quarkus puts the free port it picked in its place, never its default 8081.
        int port = config.getValue("quarkus.http.test-port", Integer.class);
        assertTrue(port > 0 && port != 8081, "test port " + port);
    }
}
