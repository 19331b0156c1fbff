package health.ehr.helm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What `helm install` prints: the URLs, how to sign in, and loud warnings where they belong. */
class NotesTest {

    @Test
    void evaluationInstallWarnsLoudlyThatItIsNotForProduction() {
        String notes = Chart.notes(Renders.DEFAULTS.with("evaluation.enabled=true"));
        assertTrue(notes.contains("EVALUATION MODE - NOT FOR PRODUCTION"), notes);
        assertTrue(notes.contains("admin@ehr.local / admin-pass"), notes);
        assertTrue(notes.contains("port-forward svc/" + Chart.resourceName("eval-keycloak")), notes);
    }

    @Test
    void productionInstallPrintsTheApiUrlAndHowToSignInWithoutWarnings() {
        String notes = Chart.notes(Chart.Values.production());
        assertTrue(notes.contains("https://ehr.hospital.example/api/..."), notes);
        assertTrue(notes.contains("https://login.hospital.example/realms/ehr"), notes);
        assertFalse(notes.contains("EVALUATION MODE"), notes);
        assertFalse(notes.contains("WARNING"), notes);
    }

    @Test
    void emptyChartCreatedCredentialsAreNamedInAWarning() {
        String notes = Chart.notes(Renders.DEFAULTS);
        assertTrue(notes.contains("WARNING: secret/" + Chart.resourceName("credentials")
                + " was created with EMPTY values"), notes);
        assertTrue(notes.contains("db-password"), notes);
        assertTrue(notes.contains("chain.writerAddress is empty"), notes);
    }
}
