package health.ehr.exchange.service;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import health.ehr.exchange.client.OrganizationDirectory;
import health.ehr.exchange.testing.TestNetwork;
import health.ehr.support.testing.LocalStack;
import health.ehr.support.testing.Poll;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The service in the network: it rotates its placeholder entry to its own keys on start (as the local
 * stack's deploy step leaves it), follows OrganizationRegistry's events into its directory, and lists the
 * members for signed-in people.
 */
@QuarkusTest
@QuarkusTestResource(value = TestNetwork.class, restrictToAnnotatedClass = true)
class NetworkTest {

    @Inject
    OrganizationKeys keys;

    @Inject
    NetworkDirectory directory;

    @Inject
    OrganizationDirectory chain;

    @Test
    void itRotatesItsPlaceholderEntryToItsOwnKeysOnStart() throws Exception {
        Poll.until("the entry names the service's signer and encryption key", Duration.ofSeconds(30), () -> {
            var entry = chain.organization(TestNetwork.selfId).orElseThrow();
            return entry.signer().equals(keys.signingAddress())
                    && entry.encryptionKey().equals(keys.encryptionPublicKey());
        });
    }

    @Test
    void itFollowsTheRegistryAndListsTheMembersForSignedInPeople() throws Exception {
        TestNetwork.Peer e = TestNetwork.admitPeer("Hospital E (test)");
        Poll.until("the directory has E", Duration.ofSeconds(20), () -> directory.member(e.organizationId())
                .isPresent());
        TestNetwork.suspend(e.organizationId());
        Poll.until("the directory sees E suspended", Duration.ofSeconds(20), () -> directory.member(
                e.organizationId()).map(m -> m.status().name().equals("SUSPENDED")).orElse(false));
        String token = LocalStack.userToken(LocalStack.ADMIN_EMAIL, LocalStack.ADMIN_PASSWORD);
        var page = given().auth().oauth2(token).queryParam("size", 200)
                .when().get("/api/exchange/organizations")
                .then().statusCode(200)
                .body("items.organizationId", hasItem(TestNetwork.selfId))
                .body("items.organizationId", hasItem(TestNetwork.peerB.organizationId()))
                .body("items.find { it.organizationId == '" + TestNetwork.selfId + "' }.self", equalTo(true))
                .body("items.find { it.organizationId == '" + e.organizationId() + "' }.status",
                        equalTo("SUSPENDED"))
                .extract().jsonPath();
        assertEquals(3, page.getInt("total"));
    }

    @Test
    void theMemberListNeedsAToken() {
        given().when().get("/api/exchange/organizations")
                .then().statusCode(401).contentType("application/problem+json");
    }
}
