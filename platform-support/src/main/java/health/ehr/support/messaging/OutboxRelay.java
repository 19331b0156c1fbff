package health.ehr.support.messaging;

import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

/**
 * Publishes the service's outbox rows to Kafka, oldest first, keyed by patient. A round locks its
 * rows ({@code FOR UPDATE SKIP LOCKED}, so replicas share the work), sends them, waits until Kafka
 * acknowledged every one and only then deletes them in the same transaction: the outbox holds only
 * what Kafka does not have yet, so it stays a few rows small however many events went through it.
 * ({@code ehr.messaging.outbox.retention} keeps published rows, marked by {@code published_at}, for
 * that long instead; a sweep deletes them afterwards.) If Kafka is down the transaction rolls back
 * and the rows wait for the next round: nothing is lost; a crash between acknowledgement and commit
 * can publish a row twice, which consumers absorb by event id. Earlier versions kept every published
 * row for ever; the sweep deletes those too, when the relay starts and once a minute, a thousand per
 * statement.
 * Active in services that set the build property {@code ehr.messaging.outbox.enabled=true}.
 */
@ApplicationScoped
@IfBuildProperty(name = "ehr.messaging.outbox.enabled", stringValue = "true")
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final Duration SWEEP_EVERY = Duration.ofMinutes(1);

    private final EntityManager em;
    private final KafkaClients clients;
    private final MessagingSettings settings;
    private volatile KafkaProducer<String, byte[]> producer;
    private volatile boolean failing;

    public OutboxRelay(EntityManager em, KafkaClients clients, MessagingSettings settings) {
        this.em = em;
        this.clients = clients;
        this.settings = settings;
    }

    private volatile boolean running;
    private Thread thread;

    // Quarkus' @Scheduled rounds intervals below one second up to a second, which would add up to
    // a second to every event; the relay therefore runs on its own thread at ehr.messaging.relay-interval.
    void start(@Observes StartupEvent startup) {
        running = true;
        thread = new Thread(() -> {
            long nextSweep = 0;
            while (running) {
                relayPending();
                if (System.nanoTime() - nextSweep >= 0) {
                    sweepPublished();
                    nextSweep = System.nanoTime() + SWEEP_EVERY.toNanos();
                }
                try {
                    Thread.sleep(settings.relayInterval().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }, settings.serviceName() + "-outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    void relayPending() {
        try {
            int sent;
            do {
                sent = relayOnce();
            } while (sent == settings.relayBatchSize());
            if (failing) {
                LOG.info("outbox relay: Kafka reachable again, publishing resumed");
                failing = false;
            }
        } catch (RuntimeException e) {
            if (!failing) {
                LOG.warnf("outbox relay: cannot publish (%s); the events stay in the outbox and are retried",
                        e.getMessage());
                failing = true;
            }
        }
    }

    /** Publishes one round of pending rows; returns how many. */
    public int relayOnce() {
        return QuarkusTransaction.requiringNew().timeout(60).call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery("SELECT event_id, topic, partition_key, payload"
                            + " FROM outbox_event WHERE published_at IS NULL ORDER BY created_at"
                            + " LIMIT " + settings.relayBatchSize() + " FOR UPDATE SKIP LOCKED")
                    .getResultList();
            if (rows.isEmpty()) {
                return 0;
            }
            KafkaProducer<String, byte[]> kafka = producer();
            List<Future<?>> acks = new ArrayList<>(rows.size());
            for (Object[] row : rows) {
                acks.add(kafka.send(new ProducerRecord<>((String) row[1], (String) row[2],
                        ((String) row[3]).getBytes(StandardCharsets.UTF_8))));
            }
            for (Future<?> ack : acks) {
                ack.get(20, TimeUnit.SECONDS);
            }
            List<byte[]> ids = rows.stream().map(r -> (byte[]) r[0]).toList();
            if (settings.outboxRetention().isZero()) {
                em.createNativeQuery("DELETE FROM outbox_event WHERE event_id IN (?1)")
                        .setParameter(1, ids)
                        .executeUpdate();
            } else {
                em.createNativeQuery("UPDATE outbox_event SET published_at = ?1 WHERE event_id IN (?2)")
                        .setParameter(1, Instant.now())
                        .setParameter(2, ids)
                        .executeUpdate();
            }
            return rows.size();
        });
    }

    /**
     * Deletes published rows older than the retention (with none configured, every published row:
     * earlier versions kept them all); returns how many. A thousand per transaction, so a large
     * backlog never holds long locks.
     */
    public long sweepPublished() {
        long deleted = 0;
        try {
            Instant before = Instant.now().minus(settings.outboxRetention());
            int n;
            do {
                n = QuarkusTransaction.requiringNew().timeout(60).call(() -> em.createNativeQuery(
                        "DELETE FROM outbox_event WHERE published_at < ?1 LIMIT 1000")
                        .setParameter(1, before).executeUpdate());
                deleted += n;
            } while (n == 1000 && running);
            if (deleted > 1000) {
                LOG.infof("outbox relay: deleted %d published rows past their retention", deleted);
            }
        } catch (RuntimeException e) {
            LOG.warnf("outbox relay: could not delete published rows (%s); tried again in a minute", e.getMessage());
        }
        return deleted;
    }

    private KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = clients.producer(settings.serviceName() + "-outbox");
                }
            }
        }
        return producer;
    }

    void close(@Observes ShutdownEvent shutdown) throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.interrupt();
            thread.join(5_000);
        }
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(5));
        }
    }
}
