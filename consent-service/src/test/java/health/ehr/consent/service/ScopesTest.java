package health.ehr.consent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import health.ehr.events.consent.ConsentScope;
import health.ehr.support.rest.DomainException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ScopesTest {

    private static final UUID A = UUID.fromString("0b6f2c1e-0000-4000-8000-000000000001");
    private static final UUID B = UUID.fromString("7d1e9a2b-0000-4000-8000-000000000002");

    @Test
    void categoriesAreUpperCasedDeduplicatedAndSorted() {
        ConsentScope scope = Scopes.normalise(List.of("lab_result", "IMAGING", "LAB_RESULT"), null, null, 10);
        assertEquals(List.of("IMAGING", "LAB_RESULT"), scope.categories());
        assertEquals("categories:IMAGING,LAB_RESULT", Scopes.canonical(scope));
        assertEquals(List.of("C:IMAGING", "C:LAB_RESULT"), Scopes.coverage(scope));
    }

    @Test
    void recordIdsAreDeduplicatedAndSortedAsLowerCaseStrings() {
        ConsentScope scope = Scopes.normalise(null, List.of(B, A, B), null, 10);
        assertEquals("records:" + A + "," + B, Scopes.canonical(scope));
        assertEquals(List.of("R:" + A, "R:" + B), Scopes.coverage(scope));
    }

    @Test
    void theHashIsSha256OfTheCanonicalString() throws Exception {
        ConsentScope all = Scopes.normalise(null, null, true, 10);
        assertEquals("all", Scopes.canonical(all));
        assertEquals("0x" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("all".getBytes(StandardCharsets.UTF_8))), Scopes.hash(all));
        // Fixed vectors (Python's hashlib), so that a change of the canonical form shows: other parties
        // (a wallet front end, an auditor) recompute scope hashes.
        assertEquals("0x5ef5ef0364b6939c4ca61f34b393f7b368d1be8619647aaf83d5b395919ab629", Scopes.hash(all));
        assertEquals("0x8c93a0d4ec09c3068aed91a3b73c3cc63f9aa7078d1323c674abd816d0d298fc",
                Scopes.hash(Scopes.normalise(List.of("lab_result", "IMAGING"), null, null, 10)));
        assertEquals(Scopes.hash(Scopes.normalise(List.of("IMAGING", "LAB_RESULT"), null, null, 10)),
                Scopes.hash(Scopes.normalise(List.of("LAB_RESULT", "imaging"), null, null, 10)));
    }

    @Test
    void aScopeNeedsExactlyOneKnownNonEmptyKind() {
        assertField("scope", () -> Scopes.normalise(null, null, null, 10));
        assertField("scope", () -> Scopes.normalise(List.of("IMAGING"), null, true, 10));
        assertField("scope.all", () -> Scopes.normalise(null, null, false, 10));
        assertField("scope.categories", () -> Scopes.normalise(List.of(), null, null, 10));
        assertField("scope.categories", () -> Scopes.normalise(List.of("X_RAY"), null, null, 10));
        assertField("scope.recordIds", () -> Scopes.normalise(null, List.of(), null, 10));
        assertField("scope.recordIds", () -> Scopes.normalise(null, List.of(A, B), null, 1));
    }

    private static void assertField(String field, Runnable call) {
        DomainException e = assertThrows(DomainException.class, call::run);
        assertEquals(field, e.errors().get(0).field());
    }
}
