package health.ehr.records.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import health.ehr.records.testing.TestBucket;
import health.ehr.support.testing.LocalStack;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * MySQL refusing the second write of an upload's transaction (the outbox row, after the record row
 * went in): the client gets a 500 problem, the record row is rolled back, the object is deleted, and
 * the connection goes back to the pool without the half-done transaction. (A connection handed on
 * with it open would commit the lost record at its next {@code START TRANSACTION}.)
 */
@QuarkusTest
class MetadataFailureTest {

    private static final String TRIGGER = "refuse_outbox_for_test";

    @Inject
    AgroalDataSource db;

    @Test
    void aFailedOutboxWriteLeavesNoRecordNoObjectAndNoOpenTransaction() throws SQLException {
        LocalStack.Party refused = LocalStack.registerPatient("metadata-failure");
        LocalStack.Party other = LocalStack.registerPatient("metadata-fine");
        sql("DROP TRIGGER IF EXISTS " + TRIGGER);
        sql("CREATE TRIGGER " + TRIGGER + " BEFORE INSERT ON outbox_event FOR EACH ROW"
                + " IF NEW.partition_key = '" + refused.id() + "' THEN"
                + " SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'outbox refused by the test'; END IF");
        try {
            Set<String> objectsBefore = TestBucket.objects();

            RecordsResourceTest.upload(refused, refused.id().toString(), RecordsResourceTest.content(10_240, 7),
                            "lost.bin")
                    .then().statusCode(500)
                    .contentType("application/problem+json")
                    .body("type", equalTo("https://ehr.health/problems/internal"));

            assertEquals(objectsBefore, TestBucket.objects(), "the object was deleted");
            // More uploads than the pool has connections: each starts a transaction on a pooled connection.
            for (int i = 0; i < 20; i++) {
                RecordsResourceTest.upload(other, other.id().toString(), RecordsResourceTest.content(1_024, i),
                        "fine-" + i + ".bin").then().statusCode(201);
            }
            given().auth().oauth2(refused.token()).when().get("/api/records")
                    .then().statusCode(200).body("total", equalTo(0));
            given().auth().oauth2(other.token()).when().get("/api/records")
                    .then().statusCode(200).body("total", equalTo(20));
        } finally {
            sql("DROP TRIGGER IF EXISTS " + TRIGGER);
        }
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
