package health.ehr.notification.rest;

import static health.ehr.notification.testing.Mailbox.await;
import static health.ehr.notification.testing.Mailbox.inbox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.ehr.notification.Delivery;
import health.ehr.notification.repository.DeliveryRepository;
import health.ehr.notification.testing.Events;
import health.ehr.notification.testing.SmtpSwitch;
import health.ehr.support.testing.LocalStack;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * After an SMTP outage, the first mail the server accepts again makes every mail waiting out its
 * back-off due at once: with a one-minute back-off, a mail that failed during the outage is delivered
 * seconds after the server is back, not a minute later.
 */
@QuarkusTest
@TestProfile(SmtpRecoveryTest.LongBackOff.class)
class SmtpRecoveryTest {

    public static class LongBackOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.mailer.port", Integer.toString(SmtpSwitch.PORT),
                    "notification.retry-base", "60s",
                    "notification.retry-max", "60s",
                    "notification.send-interval", "0.2s");
        }
    }

    @Inject
    DeliveryRepository deliveries;

    Delivery delivery(String eventId) {
        return SmtpOutageTest.delivery(deliveries, eventId);
    }

    @AfterEach
    void smtpBack() throws Exception {
        SmtpSwitch.on();
    }

    @Test
    void theFirstMailAcceptedAfterAnOutageSendsTheMailsWaitingOutTheirBackOff() throws Exception {
        SmtpSwitch.off();
        String waiting = LocalStack.uniqueEmail("backlog");
        var failed = SmtpOutageTest.emergencyFor(Events.patient(waiting));
        await(() -> {
            Delivery d = delivery(failed.id());
            return d != null && d.attempts == 1 && d.status == Delivery.Status.PENDING && d.lastError != null;
        }, Duration.ofSeconds(30), "a failed first attempt");
        Instant retryWas = delivery(failed.id()).nextAttemptAt;
        assertTrue(retryWas.isAfter(Instant.now().plusSeconds(20)), "its retry is at least 30 s away: " + retryWas);

        SmtpSwitch.on();
        long back = System.nanoTime();
        String fresh = LocalStack.uniqueEmail("fresh");
        SmtpOutageTest.emergencyFor(Events.patient(fresh));
        await(() -> inbox(fresh).size() == 1, Duration.ofSeconds(20), "a new mail once SMTP is back");
        await(() -> inbox(waiting).size() == 1, Duration.ofSeconds(15), "the waiting mail, long before its back-off");
        double seconds = (System.nanoTime() - back) / 1e9;
        assertTrue(Instant.now().isBefore(retryWas),
                "delivered " + seconds + " s after SMTP came back, before " + retryWas);
        Thread.sleep(1500);
        assertEquals(1, inbox(waiting).size(), "sent once");
        assertEquals(2, delivery(failed.id()).attempts, "the catch-up attempt counts");
    }
}
