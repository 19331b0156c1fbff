package health.ehr.notification.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.ehr.notification.Delivery;
import health.ehr.notification.client.IdentityClient;
import health.ehr.notification.config.NotificationConfig;
import health.ehr.notification.repository.DeliveryRepository;
import health.ehr.notification.repository.RecipientRepository;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.qute.Engine;
import io.quarkus.qute.Template;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Future;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Sends the delivery log's due mails. A round claims due rows in one short transaction (FOR UPDATE
 * SKIP LOCKED, then SENDING with a lease, so replicas never take the same row), then sends each mail
 * and records its outcome in its own transaction straight after SMTP answered: SENT; or PENDING
 * again after an exponential backoff with jitter; or PARKED with the error after
 * {@code notification.max-attempts}. Stopping (SIGTERM, as Kubernetes stops a pod) claims nothing
 * more, lets the mails in flight finish and record their outcome, and gives the claimed rest back, so
 * a graceful stop neither loses nor repeats a mail. The one window left is a crash (SIGKILL, OOM,
 * node loss) after the SMTP server accepted a mail and before SENT is committed: the lease then runs
 * out and the mail is sent once more, with the same Message-ID.
 */
@ApplicationScoped
public class MailSender {

    private static final Logger LOG = Logger.getLogger(MailSender.class);
    private static final TypeReference<Map<String, String>> MODEL = new TypeReference<>() {
    };

    private final DeliveryRepository deliveries;
    private final RecipientRepository recipients;
    private final IdentityClient identity;
    private final Mailer mailer;
    private final Engine templates;
    private final NotificationConfig config;
    private final ObjectMapper json = new ObjectMapper();
    private final ExecutorService workers;
    private volatile boolean stopping;
    /** A send failed at the SMTP server since the last catch-up: mails may be waiting out a back-off. */
    private final AtomicBoolean smtpFailed = new AtomicBoolean();

    public MailSender(DeliveryRepository deliveries, RecipientRepository recipients,
            @RestClient IdentityClient identity, Mailer mailer, Engine templates, NotificationConfig config) {
        this.deliveries = deliveries;
        this.recipients = recipients;
        this.identity = identity;
        this.mailer = mailer;
        this.templates = templates;
        this.config = config;
        this.workers = Executors.newFixedThreadPool(config.sendConcurrency(), r -> {
            Thread t = new Thread(r, "mail-sender");
            t.setDaemon(true);
            return t;
        });
    }

    @Scheduled(every = "${notification.send-interval}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            int claimed;
            do {
                claimed = stopping ? 0 : sendDue();
            } while (claimed == config.batchSize());
        } catch (RuntimeException e) {
            LOG.warnf("sender round failed, retried next round: %s", e.getMessage());
        }
    }

    /**
     * One round: claims due mails, sends them ({@code notification.send-concurrency} at a time, each
     * on its own SMTP connection from the mailer's pool), records each outcome as soon as it is known;
     * returns how many were claimed.
     */
    public int sendDue() {
        Instant now = Instant.now();
        List<UUID> claimed = QuarkusTransaction.requiringNew().call(
                () -> deliveries.claimDue(now, now.plus(config.lease()), config.batchSize()));
        List<Future<?>> running = new ArrayList<>(claimed.size());
        for (UUID id : claimed) {
            running.add(workers.submit(() -> sendOne(id)));
        }
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException e) {
                LOG.warnf("sending a mail failed unexpectedly: %s", e.getCause().toString());
            }
        }
        return claimed.size();
    }

    /**
     * Graceful stop: the mails in flight finish (up to {@code notification.drain-timeout}), the claimed
     * rest go back.
     */
    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        stopping = true;
        workers.shutdown();
        if (!workers.awaitTermination(config.drainTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warnf("mails still in flight after %s; their leases hand them to the next sender",
                    config.drainTimeout());
        }
    }

    private void sendOne(UUID id) {
        if (stopping) {
            QuarkusTransaction.requiringNew().run(() -> deliveries.release(id, Instant.now()));
            return;
        }
        Delivery d = QuarkusTransaction.requiringNew().call(() -> deliveries.findById(id));
        String address;
        try {
            address = d.recipient != null ? d.recipient : resolve(d.partyId);
        } catch (WebApplicationException e) {
            if (e.getResponse().getStatus() == 404) {
                fail(d, "recipient unknown to identity-service", true);
            } else {
                fail(d, "identity-service answered " + e.getResponse().getStatus(), false);
            }
            return;
        } catch (RuntimeException e) {
            fail(d, "identity-service unreachable: " + e.getClass().getSimpleName(), false);
            return;
        }
        try {
            MailKind kind = MailKind.ofTemplate(d.template);
            Map<String, String> model = json.readValue(d.model, MODEL);
            // One Message-ID per delivery, the same on every attempt: should a crash fall between the
            // server's acceptance and the SENT commit, the resent copy is the same message, which mail
            // stores and clients recognise (RFC 5322 3.6.4; e.g. Sieve "duplicate", RFC 7352).
            mailer.send(Mail.withHtml(address, config.platformName() + ": " + kind.subject(),
                            render(kind, "html", model))
                    .setText(render(kind, "txt", model))
                    .addHeader("Message-ID", messageId(d.deliveryId)));
        } catch (Exception e) {
            smtpFailed.set(true);
            fail(d, "SMTP: " + e.getClass().getSimpleName() + ": " + e.getMessage(), false);
            return;
        }
        // Straight after the server accepted it: the resend window is this one short transaction.
        QuarkusTransaction.requiringNew().run(() -> deliveries.markSent(id, address, Instant.now()));
        LOG.infof("delivery %s (%s, event %s) sent", id, d.template, d.eventId);
        if (smtpFailed.compareAndSet(true, false)) {
            catchUp();
        }
    }

    /**
     * The SMTP server accepted a mail after sends had failed there: it is back, so the mails waiting
     * out their back-off after an SMTP failure are due now, instead of up to {@code retry-max} later
     * (after an hour's outage the back-off has reached 10 minutes). Their attempts still count.
     */
    private void catchUp() {
        int due = QuarkusTransaction.requiringNew().call(() -> deliveries.retrySmtpFailuresNow(Instant.now()));
        if (due > 0) {
            LOG.infof("the SMTP server accepts mail again: %d mails waiting out a back-off are due now", due);
        }
    }

    /** The delivery's Message-ID: its id at the platform's mail domain. */
    static String messageId(UUID deliveryId) {
        return "<" + deliveryId + "@notification.ehr>";
    }

    private String resolve(UUID partyId) {
        IdentityClient.Party party = identity.party(partyId);
        if (party == null || party.email() == null || party.email().isBlank()) {
            throw new WebApplicationException(404);
        }
        QuarkusTransaction.requiringNew().run(() -> recipients.upsert(partyId,
                party.role() == null ? "unknown" : party.role(), party.email()));
        return party.email();
    }

    private String render(MailKind kind, String variant, Map<String, String> model) {
        Template template = templates.getTemplate("mail/" + kind.template() + "." + variant);
        if (template == null) {
            throw new IllegalStateException("missing template mail/" + kind.template() + "." + variant);
        }
        return template.data("platform", config.platformName()).data("portal", config.portalUrl())
                .data("when", model.get("when")).render();
    }

    private void fail(Delivery d, String error, boolean parkNow) {
        boolean park = parkNow || d.attempts >= config.maxAttempts();
        Instant next = Instant.now().plus(backoff(d.attempts));
        String message = error.length() > 1000 ? error.substring(0, 1000) : error;
        QuarkusTransaction.requiringNew().run(() -> deliveries.markFailed(d.deliveryId, message, park, next));
        if (park) {
            LOG.warnf("delivery %s (event %s) parked after %d attempts: %s", d.deliveryId, d.eventId, d.attempts,
                    message);
        } else {
            LOG.infof("delivery %s attempt %d failed, retried at %s: %s", d.deliveryId, d.attempts, next, message);
        }
    }

    /** Exponential backoff with "equal jitter": half the delay fixed, half random. */
    Duration backoff(int attempts) {
        long base = config.retryBase().toMillis();
        long max = config.retryMax().toMillis();
        long delay = Math.min(max, base << Math.min(30, Math.max(0, attempts - 1)));
        return Duration.ofMillis(delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1));
    }
}
