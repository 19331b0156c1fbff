package health.ehr.consent.rest;

import static health.ehr.consent.testing.ConsentApi.categories;
import static health.ehr.consent.testing.ConsentApi.create;
import static health.ehr.consent.testing.ConsentApi.created;
import static health.ehr.consent.testing.ConsentApi.grant;
import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import health.ehr.consent.service.Scopes;
import health.ehr.consent.testing.ConsentApi;
import health.ehr.consent.testing.LocalPlatform;
import health.ehr.consent.testing.OutboxRows;
import health.ehr.consent.testing.Parties;
import health.ehr.consent.testing.Parties.Party;
import health.ehr.consent.testing.TestChain;
import health.ehr.contracts.ConsentTypedData;
import health.ehr.contracts.ContractDeployer.Deployment;
import health.ehr.events.chain.GrantConsent;
import health.ehr.events.consent.ConsentRequested;
import health.ehr.events.consent.ConsentScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

/** The HTTP surface: every 4xx path, who may do what, and a custodial grant's outbox rows. */
@QuarkusTest
@WithTestResource(TestChain.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsentResourceTest {

    @Inject
    OutboxRows outbox;

    @Inject
    JWTParser jwt;

    Party patient;
    Party otherPatient;
    Party practitioner;
    Party otherPractitioner;

    @BeforeAll
    void parties() {
        patient = Parties.patient();
        otherPatient = Parties.patient();
        practitioner = Parties.practitioner();
        otherPractitioner = Parties.practitioner();
    }

    // --------------------------------------------------------------------------------------------
    // Validation
    // --------------------------------------------------------------------------------------------

    @Test
    void requestsWithoutATokenAre401ProblemJson() {
        given().contentType(ContentType.JSON).body(grant(practitioner.id())).post("/api/consents")
                .then().statusCode(401).contentType("application/problem+json").body("status", equalTo(401));
        given().queryParam("patientId", patient.id()).queryParam("granteeId", practitioner.id())
                .get("/api/consents/check").then().statusCode(401);
    }

    @Test
    void aPractitionerCannotCreateConsents() {
        given().header("Authorization", practitioner.bearer()).contentType(ContentType.JSON)
                .body(grant(otherPractitioner.id())).post("/api/consents")
                .then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    void invalidBodiesAre400NamingTheField() {
        assertInvalid(without(grant(practitioner.id()), "granteeId"), "granteeId");
        assertInvalid(without(grant(practitioner.id()), "scope"), "scope");
        assertInvalid(with(grant(practitioner.id()), "scope", Map.of()), "scope");
        assertInvalid(with(grant(practitioner.id()), "scope", Map.of("all", true, "categories", List.of("IMAGING"))),
                "scope");
        assertInvalid(with(grant(practitioner.id()), "scope", Map.of("all", false)), "scope.all");
        assertInvalid(with(grant(practitioner.id()), "scope", categories("X_RAY")), "scope.categories");
        assertInvalid(with(grant(practitioner.id()), "scope", Map.of("categories", List.of())), "scope.categories");
        assertInvalid(with(grant(practitioner.id()), "scope", Map.of("recordIds", List.of())), "scope.recordIds");
        assertInvalid(with(grant(practitioner.id()), "purpose", " "), "purpose");
        assertInvalid(with(grant(practitioner.id()), "purpose", "x".repeat(501)), "purpose");
        assertInvalid(without(grant(practitioner.id()), "expiresAt"), "expiresAt");
        assertInvalid(with(grant(practitioner.id()), "expiresAt", Instant.now().minusSeconds(60).toString()),
                "expiresAt");
        assertInvalid(with(grant(practitioner.id()), "signature", "0x1234"), "signature");
        assertInvalid(with(grant(practitioner.id()), "nonce", "-1"), "nonce");
    }

    @Test
    void malformedBodiesAre400AndOtherMediaTypes415() {
        create(patient, with(grant(practitioner.id()), "expiresAt", "tomorrow"))
                .then().statusCode(400).contentType("application/problem+json");
        given().header("Authorization", patient.bearer()).contentType(ContentType.JSON).body("{\"granteeId\": ")
                .post("/api/consents").then().statusCode(400).contentType("application/problem+json");
        given().header("Authorization", patient.bearer()).contentType(ContentType.TEXT).body("grant it")
                .post("/api/consents").then().statusCode(415).contentType("application/problem+json");
    }

    @Test
    void anUnknownGranteeOrAPatientAsGranteeIs400NamingGranteeId() {
        create(patient, grant(UUID.randomUUID())).then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem("granteeId"));
        create(patient, grant(otherPatient.id())).then().statusCode(400).body("errors.field", hasItem("granteeId"));
    }

    @Test
    void aWalletSignatureOfAnotherKeyIs400() throws Exception {
        Party walletPatient = Parties.patient();
        Map<String, Object> body = grant(practitioner.id(), categories("IMAGING"));
        ConsentApi.createWithWallet(walletPatient, Keys.createEcKeyPair(), body)
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("signature"));
        // Nothing was stored and the nonce was not used up.
        given().header("Authorization", walletPatient.bearer()).queryParam("patientId", walletPatient.id())
                .get("/api/consents").then().statusCode(200).body("total", equalTo(0));
    }

    // --------------------------------------------------------------------------------------------
    // Custodial grant
    // --------------------------------------------------------------------------------------------

    @Test
    void aCustodialGrantIsPendingWithItsRequestAndASignedChainCommand() throws Exception {
        Party owner = Parties.patient();
        Map<String, Object> body = grant(practitioner.id(), categories("lab_result", "IMAGING", "LAB_RESULT"));
        UUID consentId = UUID.fromString(create(owner, body).then().log().ifValidationFails().statusCode(202)
                .body("status", equalTo("PENDING"))
                .body("patientId", equalTo(owner.id().toString()))
                .body("granteeId", equalTo(practitioner.id().toString()))
                .body("scope.categories", equalTo(List.of("IMAGING", "LAB_RESULT")))
                .body("purpose", equalTo(body.get("purpose")))
                .body("expiresAt", equalTo(body.get("expiresAt")))
                .body("transactionHash", nullValue())
                .body("blockNumber", nullValue())
                .body("createdAt", not(nullValue()))
                .body("scopeHash", equalTo(Scopes.hash(new ConsentScope(List.of("IMAGING", "LAB_RESULT"), null, null))))
                .extract().jsonPath().getString("consentId"));

        List<ConsentRequested> requested = outbox.of(consentId, ConsentRequested.class);
        assertThat(requested, hasSize(1));
        assertThat(requested.get(0).scope().categories(), contains("IMAGING", "LAB_RESULT"));
        List<GrantConsent> commands = outbox.of(consentId, GrantConsent.class);
        assertThat(commands, hasSize(1));
        GrantConsent command = commands.get(0);
        assertThat(command.patientChainId(), equalTo(owner.chainId()));
        assertThat(command.granteeChainId(), equalTo(Parties.chainIdOf(practitioner.id())));
        assertThat(command.nonce(), equalTo("0"));
        assertThat(command.expiresAt(), equalTo(Instant.parse((String) body.get("expiresAt")).getEpochSecond()));
        // identity-service's custodial key made the signature: it recovers to the patient's controller
        // under the EIP-712 domain identity-service is configured with (the local stack's registry).
        assertThat(signersUnderIdentityDomains(command), hasItem(owner.controllerAddress().toLowerCase()));
    }

    @Test
    void aSecondLiveConsentForTheSameGranteeAndScopeIs409() {
        Party owner = Parties.patient();
        created(owner, grant(practitioner.id()));
        create(owner, grant(practitioner.id())).then().statusCode(409).contentType("application/problem+json");
        // Another scope for the same grantee is fine.
        created(owner, grant(practitioner.id(), categories("OTHER")));
    }

    @Test
    void concurrentGrantsOfOnePatientGetConsecutiveNonces() throws Exception {
        Party owner = Parties.patient();
        String[] scopes = {"LAB_RESULT", "IMAGING", "PRESCRIPTION", "CLINICAL_NOTE", "DISCHARGE_SUMMARY"};
        ExecutorService pool = Executors.newFixedThreadPool(scopes.length);
        try {
            List<Future<UUID>> results = new ArrayList<>();
            for (String scope : scopes) {
                results.add(pool.submit(() -> created(owner, grant(practitioner.id(), categories(scope)))));
            }
            Set<Long> nonces = new TreeSet<>();
            for (Future<UUID> result : results) {
                nonces.add(Long.parseLong(outbox.of(result.get(), GrantConsent.class).get(0).nonce()));
            }
            assertThat(nonces, contains(0L, 1L, 2L, 3L, 4L));
        } finally {
            pool.shutdownNow();
        }
    }

    // --------------------------------------------------------------------------------------------
    // Who may see and do what
    // --------------------------------------------------------------------------------------------

    @Test
    void aPatientCannotSeeRevokeOrListAnotherPatientsConsents() {
        UUID consentId = created(patient, grant(practitioner.id(), categories("PRESCRIPTION")));
        ConsentApi.get(otherPatient, consentId).then().statusCode(404).contentType("application/problem+json");
        given().header("Authorization", otherPatient.bearer()).delete("/api/consents/" + consentId)
                .then().statusCode(404);
        given().header("Authorization", otherPatient.bearer()).queryParam("patientId", patient.id())
                .get("/api/consents").then().statusCode(403).contentType("application/problem+json");
        given().header("Authorization", otherPatient.bearer()).queryParam("granteeId", practitioner.id())
                .get("/api/consents").then().statusCode(403);
        // The owner sees it in their own list.
        given().header("Authorization", patient.bearer()).queryParam("patientId", patient.id())
                .get("/api/consents").then().statusCode(200).body("items.consentId", hasItem(consentId.toString()))
                .body("page", equalTo(0)).body("size", equalTo(20));
    }

    @Test
    void theGranteeSeesItsConsentsButCannotRevokeThemOrListOthers() {
        UUID consentId = created(patient, grant(practitioner.id(), categories("CLINICAL_NOTE")));
        ConsentApi.get(practitioner, consentId).then().statusCode(200).body("consentId", equalTo(consentId.toString()));
        ConsentApi.get(otherPractitioner, consentId).then().statusCode(404);
        given().header("Authorization", practitioner.bearer()).delete("/api/consents/" + consentId)
                .then().statusCode(403);
        given().header("Authorization", practitioner.bearer()).queryParam("granteeId", practitioner.id())
                .get("/api/consents").then().statusCode(200).body("items.consentId", hasItem(consentId.toString()));
        given().header("Authorization", practitioner.bearer()).queryParam("granteeId", otherPractitioner.id())
                .get("/api/consents").then().statusCode(403);
        given().header("Authorization", practitioner.bearer()).queryParam("patientId", patient.id())
                .get("/api/consents").then().statusCode(403);
    }

    @Test
    void anAdministratorListsAnyPartysConsents() {
        UUID consentId = created(patient, grant(practitioner.id(), categories("DISCHARGE_SUMMARY")));
        String admin = "Bearer " + Parties.adminToken();
        given().header("Authorization", admin).queryParam("patientId", patient.id()).queryParam("size", 200)
                .get("/api/consents").then().statusCode(200).body("items.consentId", hasItem(consentId.toString()));
        given().header("Authorization", admin).queryParam("granteeId", practitioner.id()).queryParam("size", 200)
                .get("/api/consents").then().statusCode(200).body("items.consentId", hasItem(consentId.toString()));
    }

    @Test
    void listingNeedsExactlyOnePartyAndAValidPage() {
        given().header("Authorization", patient.bearer()).get("/api/consents").then().statusCode(400);
        given().header("Authorization", patient.bearer()).queryParam("patientId", patient.id())
                .queryParam("granteeId", practitioner.id()).get("/api/consents").then().statusCode(400);
        given().header("Authorization", patient.bearer()).queryParam("patientId", patient.id())
                .queryParam("size", 201).get("/api/consents").then().statusCode(400)
                .body("errors.field", hasItem("size"));
        given().header("Authorization", patient.bearer()).queryParam("patientId", "not-a-uuid")
                .get("/api/consents").then().statusCode(400).body("errors.field", hasItem("patientId"));
    }

    @Test
    void theCheckIsForServicesAndForAGranteeAskingAboutItself() {
        given().header("Authorization", patient.bearer()).queryParam("patientId", patient.id())
                .queryParam("granteeId", practitioner.id()).get("/api/consents/check").then().statusCode(403);
        given().header("Authorization", practitioner.bearer()).queryParam("patientId", patient.id())
                .queryParam("granteeId", otherPractitioner.id()).get("/api/consents/check").then().statusCode(403)
                .contentType("application/problem+json");
        given().header("Authorization", practitioner.bearer()).queryParam("patientId", patient.id())
                .queryParam("granteeId", practitioner.id()).get("/api/consents/check").then().statusCode(200)
                .body("permitted", equalTo(false));
        String service = "Bearer " + Parties.serviceToken();
        given().header("Authorization", service).queryParam("granteeId", practitioner.id())
                .get("/api/consents/check").then().statusCode(400).body("errors.field", hasItem("patientId"));
        given().header("Authorization", service).queryParam("patientId", patient.id())
                .queryParam("granteeId", practitioner.id()).queryParam("category", "X_RAY")
                .get("/api/consents/check").then().statusCode(400).body("errors.field", hasItem("category"));
        given().header("Authorization", service).queryParam("patientId", patient.id())
                .queryParam("granteeId", practitioner.id()).queryParam("recordId", "42")
                .get("/api/consents/check").then().statusCode(400).body("errors.field", hasItem("recordId"));
    }

    @Test
    void aClinicCanBeGrantedAndChecksItself() {
        Party clinic = Parties.clinic();
        UUID consentId = created(patient, grant(clinic.id()));
        given().header("Authorization", clinic.bearer()).queryParam("patientId", patient.id())
                .queryParam("granteeId", clinic.id()).get("/api/consents/check").then().statusCode(200)
                .body("permitted", equalTo(false)); // PENDING does not permit
        ConsentApi.get(clinic, consentId).then().statusCode(200);
    }

    @Test
    void aPendingConsentCannotBeRevokedYetAndUnknownIdsAre404() {
        UUID consentId = created(patient, grant(practitioner.id(), categories("LAB_RESULT")));
        given().header("Authorization", patient.bearer()).delete("/api/consents/" + consentId)
                .then().statusCode(409).contentType("application/problem+json");
        given().header("Authorization", patient.bearer()).delete("/api/consents/" + UUID.randomUUID())
                .then().statusCode(404);
        given().header("Authorization", patient.bearer()).get("/api/consents/not-a-uuid").then().statusCode(404);
    }

    @Test
    void theServiceVerifiesATokenOnceWhileItIsValid() throws Exception {
        String token = Parties.serviceToken();
        assertThat(jwt.parse(token) == jwt.parse(token), equalTo(true)); // VerifiedTokenCache is in use
    }

    @Test
    void theOpenApiDocumentDescribesTheConsentPaths() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.keySet()", hasItems("/api/consents", "/api/consents/check", "/api/consents/{consentId}"));
    }

    // --------------------------------------------------------------------------------------------

    private void assertInvalid(Map<String, Object> body, String field) {
        create(patient, body).then().log().ifValidationFails().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem(field));
    }

    private static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
        Map<String, Object> copy = new HashMap<>(body);
        copy.put(key, value);
        return copy;
    }

    private static Map<String, Object> without(Map<String, Object> body, String key) {
        Map<String, Object> copy = new HashMap<>(body);
        copy.remove(key);
        return copy;
    }

    /**
     * The addresses that the custodial signature recovers to under the EIP-712 domains identity-service
     * may be configured with: the local stack's ConsentRegistry when its contracts are deployed, and
     * identity-service's default (the zero address).
     */
    private static List<String> signersUnderIdentityDomains(GrantConsent c) throws Exception {
        List<String> registries = new ArrayList<>();
        Deployment.read(LocalPlatform.root().resolve(".local/contracts.env"))
                .ifPresent(d -> registries.add(d.consentRegistry()));
        registries.add("0x0000000000000000000000000000000000000000");
        List<String> signers = new ArrayList<>();
        for (String registry : registries) {
            byte[] digest = new ConsentTypedData(TestChain.CHAIN_ID, registry).grantDigest(
                    Numeric.hexStringToByteArray(c.patientChainId()), Numeric.hexStringToByteArray(c.granteeChainId()),
                    Numeric.hexStringToByteArray(c.scopeHash()), c.expiresAt(), new BigInteger(c.nonce()));
            signers.add(ConsentTypedData.recoverSigner(digest, Numeric.hexStringToByteArray(c.signature())));
        }
        return signers;
    }
}
