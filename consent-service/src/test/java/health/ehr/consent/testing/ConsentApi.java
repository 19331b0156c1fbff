package health.ehr.consent.testing;

import static io.restassured.RestAssured.given;

import health.ehr.consent.testing.Parties.Party;
import health.ehr.contracts.ConsentTypedData;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.web3j.crypto.ECKeyPair;
import org.web3j.utils.Numeric;

/** Calls consent-service's API (the @QuarkusTest instance) as real parties. */
public final class ConsentApi {

    private ConsentApi() {
    }

    /** A grant body: scope {all: true}, a day's expiry. */
    public static Map<String, Object> grant(UUID granteeId) {
        return grant(granteeId, Map.of("all", true));
    }

    public static Map<String, Object> grant(UUID granteeId, Map<String, Object> scope) {
        Map<String, Object> body = new HashMap<>();
        body.put("granteeId", granteeId.toString());
        body.put("scope", scope);
        body.put("purpose", "follow-up of the cardiology treatment");
        body.put("expiresAt", Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString());
        return body;
    }

    public static Map<String, Object> categories(String... categories) {
        return Map.of("categories", List.of(categories));
    }

    public static Response create(Party patient, Map<String, Object> body) {
        return given().header("Authorization", patient.bearer()).contentType(ContentType.JSON).body(body)
                .post("/api/consents");
    }

    /** Creates a consent, expecting 202; returns its id. */
    public static UUID created(Party patient, Map<String, Object> body) {
        return UUID.fromString(create(patient, body).then().log().ifValidationFails().statusCode(202)
                .extract().jsonPath().getString("consentId"));
    }

    /** Grants with the patient's wallet: asks for the typed data, signs its digest, sends signature and nonce. */
    public static Response createWithWallet(Party patient, ECKeyPair wallet, Map<String, Object> body) {
        JsonPath typed = given().header("Authorization", patient.bearer()).contentType(ContentType.JSON).body(body)
                .post("/api/consents/typed-data").then().log().ifValidationFails().statusCode(200)
                .extract().jsonPath();
        byte[] signature = ConsentTypedData.sign(Numeric.hexStringToByteArray(typed.getString("digest")), wallet);
        Map<String, Object> signed = new HashMap<>(body);
        signed.put("signature", Numeric.toHexString(signature));
        signed.put("nonce", typed.getString("nonce"));
        return create(patient, signed);
    }

    /** Revokes with the patient's wallet (typed data, signature and nonce as query parameters). */
    public static Response revokeWithWallet(Party patient, ECKeyPair wallet, UUID consentId) {
        JsonPath typed = given().header("Authorization", patient.bearer())
                .get("/api/consents/" + consentId + "/revocation-typed-data").then().log().ifValidationFails()
                .statusCode(200).extract().jsonPath();
        byte[] signature = ConsentTypedData.sign(Numeric.hexStringToByteArray(typed.getString("digest")), wallet);
        return given().header("Authorization", patient.bearer())
                .queryParam("signature", Numeric.toHexString(signature)).queryParam("nonce", typed.getString("nonce"))
                .delete("/api/consents/" + consentId);
    }

    public static Response get(Party party, UUID consentId) {
        return given().header("Authorization", party.bearer()).get("/api/consents/" + consentId);
    }

    /** The consent's status, as its patient sees it. */
    public static String status(Party patient, UUID consentId) {
        return get(patient, consentId).then().statusCode(200).extract().jsonPath().getString("status");
    }

    /** {@code GET /api/consents/check} with a service token; the answer's {@code permitted}. */
    public static boolean permitted(UUID patientId, UUID granteeId, String category, UUID recordId) {
        var request = given().header("Authorization", "Bearer " + Parties.serviceToken())
                .queryParam("patientId", patientId).queryParam("granteeId", granteeId);
        if (category != null) {
            request.queryParam("category", category);
        }
        if (recordId != null) {
            request.queryParam("recordId", recordId);
        }
        return request.get("/api/consents/check").then().statusCode(200).extract().jsonPath().getBoolean("permitted");
    }
}
