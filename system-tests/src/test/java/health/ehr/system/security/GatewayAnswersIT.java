package health.ehr.system.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.ehr.support.testing.LocalStack;
import org.junit.jupiter.api.Test;

/**
 * The answers the gateway gives itself, before any service sees the request, are problem+json like
 * the services' own, uncached and not sniffed: a URI nginx cannot decode (400), a path outside every
 * API area (404, including the gateway's internal problem pages), a body over the gateway's limit
 * (413). A service's answer passes through unchanged, with the headers the service sets.
 */
class GatewayAnswersIT {

    @Test
    void theGatewaysOwnAnswersAreProblemJson() {
        assertProblem(Gateway.get("/api/records/%00%ff", null), 400);
        assertProblem(Gateway.get("/no-such-area", null), 404);
        assertProblem(Gateway.get("/.problems/400", null), 404);
        assertProblem(Gateway.send("POST", "/api/identity/patients", null, "application/json",
                new byte[17 * 1024 * 1024]), 413);
    }

    @Test
    void aServicesAnswerCarriesTheServicesSecurityHeaders() {
        Gateway.Answer unauthenticated = Gateway.get("/api/records?patientId=" + java.util.UUID.randomUUID(), null);
        assertEquals(401, unauthenticated.status(), unauthenticated.abbreviated());
        assertTrue(unauthenticated.isProblem(), unauthenticated.contentType());
        assertEquals(java.util.List.of("nosniff"), unauthenticated.headers().allValues("X-Content-Type-Options"),
                "set once, by the service");
        assertEquals("no-store", unauthenticated.headers().firstValue("Cache-Control").orElse(""));
        Gateway.Answer records = Gateway.get("/api/records?patientId=" + LocalStack.registerPatient().id(),
                LocalStack.registerPractitioner().token());
        assertTrue(records.status() == 200 || records.status() == 403, records.abbreviated());
        assertEquals("no-store", records.headers().firstValue("Cache-Control").orElse(""));
    }

    private static void assertProblem(Gateway.Answer answer, int status) {
        assertEquals(status, answer.status(), answer.abbreviated());
        assertTrue(answer.isProblem(), "content type " + answer.contentType() + ": " + answer.abbreviated());
        assertEquals(status, answer.json().path("status").asInt(), answer.abbreviated());
        assertEquals("nosniff", answer.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertEquals("no-store", answer.headers().firstValue("Cache-Control").orElse(""));
    }
}
