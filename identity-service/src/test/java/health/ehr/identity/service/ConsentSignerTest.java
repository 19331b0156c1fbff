package health.ehr.identity.service;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import health.ehr.contracts.ConsentTypedData;
import health.ehr.contracts.NetworkIds;
import health.ehr.identity.config.IdentityConfig;
import health.ehr.support.testing.LocalStack;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.web3j.utils.Numeric;

/**
 * Custodial signatures for a grantee of another installation (issue 17): with a
 * {@code granteeOrganizationId}, identity-service signs the GrantRemote / RevokeRemote typed data for a
 * party it does not know, naming it by {@link NetworkIds#remoteGranteeId}; without one, nothing changed.
 */
@QuarkusTest
class ConsentSignerTest {

    private static final String SCOPE = "0x" + "ab".repeat(32);
    private static final long EXPIRES_AT = 4_102_444_800L;

    @Inject
    IdentityConfig config;

    @Test
    void aRemoteGrantAndRevocationAreSignedAsGrantRemoteAndRevokeRemoteForThePartyOfThatOrganisation()
            throws Exception {
        String patientId = registerPatient();
        UUID remoteParty = UUID.randomUUID();
        byte[] organization = NetworkIds.organizationId("hospital-b");
        String remoteChainId = Numeric.toHexString(NetworkIds.remoteGranteeId(organization, remoteParty));
        ConsentTypedData typed = new ConsentTypedData(config.chainId(), config.consentRegistry());

        Response grant = sign(body("GRANT", patientId, remoteParty, Numeric.toHexString(organization)))
                .then().statusCode(200).body("granteeChainId", equalTo(remoteChainId)).extract().response();
        byte[] patientChainId = Numeric.hexStringToByteArray(grant.path("patientChainId"));
        byte[] expected = typed.grantRemoteDigest(patientChainId, organization,
                Numeric.hexStringToByteArray(remoteChainId), Numeric.hexStringToByteArray(SCOPE), EXPIRES_AT,
                BigInteger.ZERO);
        assertEquals(Numeric.toHexString(expected), grant.path("digest"));
        assertEquals(grant.<String>path("controllerAddress").toLowerCase(), ConsentTypedData.recoverSigner(expected,
                Numeric.hexStringToByteArray(grant.path("signature"))).toLowerCase());

        Map<String, Object> revoke = body("REVOKE", patientId, remoteParty, Numeric.toHexString(organization));
        revoke.remove("expiresAt");
        revoke.put("nonce", "1");
        Response revoked = sign(revoke).then().statusCode(200).extract().response();
        assertEquals(Numeric.toHexString(typed.revokeRemoteDigest(patientChainId, organization,
                Numeric.hexStringToByteArray(remoteChainId), Numeric.hexStringToByteArray(SCOPE), BigInteger.ONE)),
                revoked.path("digest"));
    }

    @Test
    void withoutAnOrganisationAnUnknownGranteeIsStillRefusedAndAMalformedOrganisationToo() {
        String patientId = registerPatient();
        sign(body("GRANT", patientId, UUID.randomUUID(), null)).then().statusCode(400)
                .body("errors.field", hasItem("granteeId"));
        sign(body("GRANT", patientId, UUID.randomUUID(), "0x1234")).then().statusCode(400)
                .body("errors.field", hasItem("granteeOrganizationId"));
    }

    private static Map<String, Object> body(String kind, String patientId, UUID granteeId, String organization) {
        Map<String, Object> body = new HashMap<>();
        body.put("kind", kind);
        body.put("patientId", patientId);
        body.put("granteeId", granteeId.toString());
        body.put("scopeHash", SCOPE);
        body.put("expiresAt", EXPIRES_AT);
        body.put("nonce", "0");
        if (organization != null) {
            body.put("granteeOrganizationId", organization);
        }
        return body;
    }

    private static Response sign(Map<String, Object> body) {
        String consentService = LocalStack.clientToken("consent-service",
                LocalStack.localServiceSecret("consent-service"));
        return given().auth().oauth2(consentService).contentType(ContentType.JSON).body(body)
                .when().post("/api/identity/internal/consent-signatures");
    }

    private static String registerPatient() {
        String email = "signer-" + UUID.randomUUID().toString().substring(0, 8) + "@example.test";
        return given().contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", "Correct-Horse-9", "givenName", "Ada",
                        "familyName", "Lovelace", "birthDate", "1990-12-10"))
                .post("/api/identity/patients").then().statusCode(201).extract().path("patientId");
    }
}
