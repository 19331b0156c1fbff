package health.ehr.identity.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;

import health.ehr.identity.Party;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Guards the MySQL-on-MariaDB setup (docs/architecture.md#mysql-8-and-mariadb-1011): with the wrong
 * server version string the driver silently stores {@code .123456} as {@code .000000}.
 */
@QuarkusTest
class PartyRepositoryTest {

    @Inject
    PartyRepository parties;

    @Test
    void instantsKeepTheirMicrosecondsThroughTheDatabase() {
        UUID id = UUID.randomUUID();
        Instant created = Instant.parse("2026-11-23T10:15:30.123456Z");
        QuarkusTransaction.requiringNew().run(() -> {
            Party party = new Party();
            party.partyId = id;
            party.role = "patient";
            party.email = id + "@example.test";
            party.createdAt = created;
            parties.persist(party);
        });

        Party read = QuarkusTransaction.requiringNew().call(() -> parties.findById(id));

        assertEquals(created, read.createdAt);
        assertEquals(id, read.partyId);
        QuarkusTransaction.requiringNew().run(() -> parties.deleteById(id));
    }
}
