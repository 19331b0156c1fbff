package health.ehr.consent.service;

import static health.ehr.consent.testing.ConsentApi.categories;
import static health.ehr.consent.testing.ConsentApi.permitted;
import static health.ehr.consent.testing.ConsentApi.status;
import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import health.ehr.consent.Consent;
import health.ehr.consent.repository.ConsentRepository;
import health.ehr.consent.testing.ConsentApi;
import health.ehr.consent.testing.OutboxRows;
import health.ehr.consent.testing.Parties;
import health.ehr.consent.testing.Parties.Party;
import health.ehr.consent.testing.TestChain;
import health.ehr.events.chain.GrantConsent;
import health.ehr.events.consent.ConsentExpired;
import health.ehr.support.testing.Poll;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/** Expiry: the check honours it at the moment of the question; the job marks EXPIRED and announces it. */
@QuarkusTest
@WithTestResource(TestChain.class)
class ConsentExpiryTest {

    @Inject
    OutboxRows outbox;

    @Inject
    ConsentExpiry expiry;

    @Inject
    ConsentRepository consents;

    @Test
    void anExpiredConsentStopsPermittingAtOnceAndTheJobMarksItExpired() throws Exception {
        Party patient = Parties.patient();
        Party doctor = Parties.practitioner();
        ECKeyPair wallet = Keys.createEcKeyPair();
        TestChain.registerController(patient.chainId(), "0x" + Keys.getAddress(wallet));
        Instant expiresAt = Instant.now().plusSeconds(12).truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> body = ConsentApi.grant(doctor.id(), categories("LAB_RESULT"));
        body.put("expiresAt", expiresAt.toString());
        UUID consentId = UUID.fromString(ConsentApi.createWithWallet(patient, wallet, body).then().statusCode(202)
                .extract().jsonPath().getString("consentId"));
        TestChain.relay(outbox.of(consentId, GrantConsent.class).get(0));
        TestChain.anvil.mine(2);
        Poll.until(Duration.ofSeconds(10), () -> status(patient, consentId), "ACTIVE"::equals, "ACTIVE");
        assertThat(permitted(patient.id(), doctor.id(), "LAB_RESULT", null), equalTo(true));

        Poll.sleep(Math.max(0, Duration.between(Instant.now(), expiresAt).toMillis()) + 50);
        // Whether or not the job ran yet, the check compares the expiry with the time of the question.
        assertThat(permitted(patient.id(), doctor.id(), "LAB_RESULT", null), equalTo(false));

        expiry.expireDue();
        assertThat(status(patient, consentId), equalTo("EXPIRED"));
        assertThat(outbox.of(consentId, ConsentExpired.class), hasSize(1));
        expiry.expireDue();
        assertThat(outbox.of(consentId, ConsentExpired.class), hasSize(1));
        given().header("Authorization", patient.bearer()).delete("/api/consents/" + consentId)
                .then().statusCode(409).contentType("application/problem+json");
    }

    @Test
    void instantsKeepTheirMicrosecondsInTheDatabase() {
        Instant withMicros = Instant.parse("2031-05-06T07:08:09.123456Z");
        UUID id = UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            Consent consent = new Consent();
            consent.consentId = id;
            consent.patientId = UUID.randomUUID();
            consent.granteeId = UUID.randomUUID();
            consent.scope = "{\"all\":true}";
            consent.scopeHash = "0x" + "0".repeat(64);
            consent.purpose = "round trip";
            consent.expiresAt = withMicros;
            consent.status = health.ehr.consent.ConsentStatus.FAILED;
            consent.patientChainId = "0x" + "1".repeat(64);
            consent.granteeChainId = "0x" + "2".repeat(64);
            consent.grantNonce = 0;
            consent.grantCommandId = UUID.randomUUID();
            consent.signedBy = Consent.SignedBy.WALLET;
            consent.createdAt = withMicros;
            consent.updatedAt = withMicros;
            consents.persist(consent);
        });
        Consent read = QuarkusTransaction.requiringNew().call(() -> consents.findById(id));
        assertThat(read.createdAt, equalTo(withMicros));
        assertThat(read.expiresAt, equalTo(withMicros));
    }
}
