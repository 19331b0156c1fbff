package health.ehr.system.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import health.ehr.support.testing.LocalStack;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 8, token attacks: every service, through the gateway, answers 401 problem+json to a missing,
 * malformed, unsigned, re-signed, tampered, expired, foreign-realm or wrong-audience token, and
 * accepts the genuine token the forgeries were made from (so no 401 here is an accident).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TokenAttacksIT {

    private static final String ISSUER = LocalStack.keycloakUrl() + "/realms/ehr";
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The services' accepted clock skew (smallrye-jwt's default, mp.jwt.verify.clock.skew) plus a margin. */
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(62);
    /** Probe clients this suite keeps in realm ehr: one with 1-second tokens, one without the ehr-api audience. */
    private static final String SHORT_LIVED_CLIENT = "security-suite-short-lived";
    private static final String NO_AUDIENCE_CLIENT = "security-suite-no-audience";
    private static final String PROBE_SECRET = "security-suite-local-secret";

    /** A protected endpoint per service; the genuine patient token gets anything but 401 from each. */
    private static final List<String> ENDPOINTS = List.of("/api/identity/me", "/api/records",
            "/api/consents?patientId={sub}", "/api/appointments", "/api/notifications", "/api/anchors/chain");

    private static String genuine;
    private static String sub;
    private static String shortLived;

    @BeforeAll
    static void tokens() {
        // First, so that its expiry runs out while the other attacks are sent.
        ensureProbeClients();
        shortLived = LocalStack.clientToken(SHORT_LIVED_CLIENT, PROBE_SECRET);
        LocalStack.Party patient = LocalStack.registerPatient("token-target");
        genuine = patient.token();
        sub = patient.id().toString();
    }

    @Test
    @Order(1)
    void theGenuineTokenIsAcceptedByEveryService() {
        for (String endpoint : ENDPOINTS) {
            Gateway.Answer answer = Gateway.get(endpoint.replace("{sub}", sub), genuine);
            assertNotEquals(401, answer.status(), endpoint + ": " + answer.abbreviated());
            assertTrue(answer.status() < 500, endpoint + ": " + answer.abbreviated());
        }
    }

    @Test
    @Order(2)
    void forgedTamperedForeignAndMalformedTokensGet401FromEveryService() throws Exception {
        String[] parts = genuine.split("\\.");
        ObjectNode header = (ObjectNode) Gateway.JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        ObjectNode claims = (ObjectNode) Gateway.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        PublicKey realmKey = realmKey(header.get("kid").asText());
        KeyPair otherRealm = KeyPairGenerator.getInstance("RSA").genKeyPair();
        byte[] der = realmKey.getEncoded();
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END PUBLIC KEY-----\n";

        Map<String, String> attacks = new LinkedHashMap<>();
        attacks.put("no token", null);
        attacks.put("not a JWT", "not-a-jwt");
        attacks.put("empty signature", parts[0] + "." + parts[1] + ".");
        attacks.put("alg none", unsigned(header, claims, "none"));
        attacks.put("alg None", unsigned(header, claims, "None"));
        attacks.put("HS256 keyed with the realm's public key (PEM)",
                hmac(header, claims, pem.getBytes(StandardCharsets.US_ASCII)));
        attacks.put("HS256 keyed with the realm's public key (DER)", hmac(header, claims, der));
        ObjectNode promoted = claims.deepCopy();
        promoted.putArray("groups").add("admin").add("auditor");
        attacks.put("claims promoted to admin, genuine signature", parts[0] + "." + encode(promoted) + "." + parts[2]);
        attacks.put("RS256 by another realm's key, the realm's kid", rsa(header, claims, otherRealm.getPrivate()));
        ObjectNode wrongIssuer = claims.deepCopy();
        wrongIssuer.put("iss", LocalStack.keycloakUrl() + "/realms/elsewhere");
        attacks.put("wrong issuer (own key)", rsa(header, wrongIssuer, otherRealm.getPrivate()));
        ObjectNode expired = claims.deepCopy();
        expired.put("iat", Instant.now().minusSeconds(7200).getEpochSecond());
        expired.put("exp", Instant.now().minusSeconds(3600).getEpochSecond());
        attacks.put("expired an hour ago (own key)", rsa(header, expired, otherRealm.getPrivate()));
        attacks.put("real token of realm master", masterToken());
        String noAudience = LocalStack.clientToken(NO_AUDIENCE_CLIENT, PROBE_SECRET);
        JsonNode noAudienceClaims = claims(noAudience);
        assertEquals(ISSUER, noAudienceClaims.get("iss").asText(), "signed by realm ehr itself");
        assertFalse(noAudienceClaims.path("aud").toString().contains("ehr-api"), noAudienceClaims.toString());
        attacks.put("real token of realm ehr without audience ehr-api", noAudience);

        List<String> failures = new ArrayList<>();
        int sent = 0;
        for (Map.Entry<String, String> attack : attacks.entrySet()) {
            for (String endpoint : ENDPOINTS) {
                sent++;
                String failure = refused(endpoint, attack.getValue());
                if (failure != null) {
                    failures.add(attack.getKey() + " → " + failure);
                }
            }
        }
        System.out.println("token attacks: " + attacks.size() + " attacks × " + ENDPOINTS.size() + " services = "
                + sent + " requests, " + failures.size() + " accepted or answered wrongly");
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** Last, so that the other attacks use up part of the wait. */
    @Test
    @Order(3)
    void aRealTokenIsAcceptedUntilItExpiresAndRefusedAfterwards() throws Exception {
        JsonNode claims = claims(shortLived);
        assertTrue(claims.path("aud").toString().contains("ehr-api"), claims.toString());
        Instant expiry = Instant.ofEpochSecond(claims.get("exp").asLong());
        assertTrue(Duration.between(Instant.ofEpochSecond(claims.get("iat").asLong()), expiry).getSeconds() <= 2,
                "the probe client issues 1-second tokens: " + claims);
        Gateway.Answer fresh = Gateway.get("/api/identity/me", shortLived);
        assertNotEquals(401, fresh.status(), "within the clock skew the token is still good: " + fresh.abbreviated());

        Instant refusedFrom = expiry.plus(CLOCK_SKEW);
        Duration wait = Duration.between(Instant.now(), refusedFrom);
        if (!wait.isNegative()) {
            Thread.sleep(wait.toMillis());
        }
        List<String> failures = new ArrayList<>();
        for (String endpoint : ENDPOINTS) {
            String failure = refused(endpoint, shortLived);
            if (failure != null) {
                failures.add(failure);
            }
        }
        assertTrue(failures.isEmpty(), "expired Keycloak token:\n" + String.join("\n", failures));
    }

    /** Null when the gateway answers 401 problem+json; else what it answered. */
    private static String refused(String endpoint, String token) {
        String path = endpoint.replace("{sub}", sub);
        Gateway.Answer answer = Gateway.get(path, token);
        if (answer.status() != 401) {
            return path + " answered " + answer.status() + ": " + answer.abbreviated();
        }
        if (!answer.isProblem()) {
            return path + " answered 401 as '" + answer.contentType() + "'";
        }
        return null;
    }

    private static String unsigned(ObjectNode header, ObjectNode claims, String alg) {
        ObjectNode h = header.deepCopy();
        h.put("alg", alg);
        return encode(h) + "." + encode(claims) + ".";
    }

    private static String hmac(ObjectNode header, ObjectNode claims, byte[] key) throws Exception {
        ObjectNode h = header.deepCopy();
        h.put("alg", "HS256");
        String input = encode(h) + "." + encode(claims);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return input + "." + B64URL.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String rsa(ObjectNode header, ObjectNode claims, PrivateKey key) throws Exception {
        String input = encode(header) + "." + encode(claims);
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(key);
        signature.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + B64URL.encodeToString(signature.sign());
    }

    private static String encode(JsonNode json) {
        return B64URL.encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode claims(String token) throws Exception {
        return Gateway.JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    }

    /** The realm's signing key with this kid, from its published JWKS. */
    private static PublicKey realmKey(String kid) throws Exception {
        JsonNode keys = Gateway.JSON.readTree(fetch(HttpRequest.newBuilder(
                URI.create(ISSUER + "/protocol/openid-connect/certs")).GET().build(), 200)).get("keys");
        for (JsonNode key : keys) {
            if (kid.equals(key.path("kid").asText())) {
                Base64.Decoder d = Base64.getUrlDecoder();
                return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                        new BigInteger(1, d.decode(key.get("n").asText())),
                        new BigInteger(1, d.decode(key.get("e").asText()))));
            }
        }
        throw new AssertionError("no key " + kid + " in the realm's JWKS");
    }

    /** A real access token of Keycloak's master realm (the local Keycloak administrator's). */
    private static String masterToken() throws Exception {
        String form = "grant_type=password&client_id=admin-cli&username="
                + URLEncoder.encode(LocalStack.env("EHR_KEYCLOAK_ADMIN", "admin"), StandardCharsets.UTF_8)
                + "&password="
                + URLEncoder.encode(LocalStack.env("EHR_KEYCLOAK_ADMIN_PASSWORD", "admin"), StandardCharsets.UTF_8);
        return Gateway.JSON.readTree(fetch(HttpRequest.newBuilder(URI.create(LocalStack.keycloakUrl()
                        + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), 200)).get("access_token").asText();
    }

    /**
     * Creates the suite's two confidential probe clients in realm ehr if they are missing (through
     * Keycloak's admin API): 1-second tokens with the ehr-api audience, and tokens without it. Neither
     * holds a role.
     */
    private static void ensureProbeClients() {
        try {
            String admin = masterToken();
            for (String client : List.of(SHORT_LIVED_CLIENT, NO_AUDIENCE_CLIENT)) {
                String mappers = SHORT_LIVED_CLIENT.equals(client)
                        ? "[{\"name\":\"audience ehr-api\",\"protocol\":\"openid-connect\",\"protocolMapper\":"
                                + "\"oidc-audience-mapper\",\"config\":{\"included.custom.audience\":\"ehr-api\","
                                + "\"access.token.claim\":\"true\"}}]"
                        : "[]";
                String lifespan = SHORT_LIVED_CLIENT.equals(client) ? "\"access.token.lifespan\":\"1\"" : "";
                String body = "{\"clientId\":\"" + client + "\",\"enabled\":true,\"publicClient\":false,"
                        + "\"serviceAccountsEnabled\":true,\"standardFlowEnabled\":false,"
                        + "\"directAccessGrantsEnabled\":false,"
                        + "\"secret\":\"" + PROBE_SECRET + "\",\"attributes\":{" + lifespan + "},\"protocolMappers\":"
                        + mappers + "}";
                HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(LocalStack.keycloakUrl()
                                + "/admin/realms/ehr/clients")).timeout(Duration.ofSeconds(20))
                        .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (created.statusCode() != 201 && created.statusCode() != 409) {
                    throw new AssertionError("creating " + client + ": " + created.statusCode() + " " + created.body());
                }
            }
        } catch (Exception e) {
            throw new AssertionError("Keycloak's admin API (master realm) is needed for the probe clients", e);
        }
    }

    private static String fetch(HttpRequest request, int expected) throws Exception {
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new AssertionError(request.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
        return Objects.requireNonNull(response.body());
    }
}
