package health.ehr.support.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.ws.rs.core.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProblemTest {

    @Test
    void domainErrorsBecomeProblemJsonWithTheirStatus() {
        Response response = new ProblemMappers().domain(DomainException.conflict("The e-mail is taken."));

        assertEquals(409, response.getStatus());
        assertEquals("application/problem+json", response.getMediaType().toString());
        Problem problem = (Problem) response.getEntity();
        assertEquals("Conflict", problem.title());
        assertEquals("The e-mail is taken.", problem.detail());
        assertEquals("https://ehr.health/problems/conflict", problem.type());
    }

    @Test
    void aLostDatabaseIs503WithRetryAfterAndOtherFailuresStay500() {
        RuntimeException lost = new IllegalStateException("insert failed",
                new java.sql.SQLException("Communications link failure", "08S01"));
        Response unavailable = new ProblemMappers().unexpected(lost);
        assertEquals(503, unavailable.getStatus());
        assertEquals("5", unavailable.getHeaderString("Retry-After"));
        assertEquals("application/problem+json", unavailable.getMediaType().toString());

        Response internal = new ProblemMappers().unexpected(new IllegalStateException("a bug",
                new java.sql.SQLException("Duplicate entry", "23000")));
        assertEquals(500, internal.getStatus());
    }

    @Test
    void aDeadlockOrLockWaitIs503WithRetryAfterNever500() {
        RuntimeException deadlock = new IllegalStateException("could not execute statement",
                new java.sql.SQLException("Deadlock found when trying to get lock; try restarting transaction",
                        "40001", 1213));
        Response busy = new ProblemMappers().unexpected(deadlock);
        assertEquals(503, busy.getStatus());
        assertEquals("1", busy.getHeaderString("Retry-After"));
        assertEquals("https://ehr.health/problems/busy", ((Problem) busy.getEntity()).type());

        Response lockWait = new ProblemMappers().unexpected(new IllegalStateException("update failed",
                new java.sql.SQLException("Lock wait timeout exceeded; try restarting transaction", "HY000", 1205)));
        assertEquals(503, lockWait.getStatus());
    }

    @Test
    void pagesMapTheirItemsAndKeepTheirPosition() {
        Page<Integer> page = new Page<>(List.of(1, 2), 3, 2, 9);

        Page<String> mapped = page.map(i -> "#" + i);

        assertEquals(List.of("#1", "#2"), mapped.items());
        assertEquals(3, mapped.page());
        assertEquals(9, mapped.total());
    }
}
