package health.ehr.support.messaging;

import health.ehr.events.CloudEvent;
import health.ehr.events.EventCodec;
import health.ehr.events.EventData;
import health.ehr.events.EventType;
import health.ehr.events.InvalidEventException;
import health.ehr.events.Topics;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.persistence.EntityManager;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * The service's one Kafka consumer: subscribes to the topics its {@link EventHandler}s need, and
 * applies each event exactly once in effect. The event id goes into {@code processed_event} in the
 * same transaction as the handlers' changes, so a redelivered event changes nothing; offsets are
 * committed only after processing, so a crash loses nothing. An event that is not a valid platform
 * CloudEvent, or that keeps failing, goes to {@code <topic>.dlq} with the reason and blocks nothing.
 */
@ApplicationScoped
public class EventConsumer {

    private static final Logger LOG = Logger.getLogger(EventConsumer.class);
    static final String DLQ_REASON_HEADER = "ehr-dlq-reason";

    private final Instance<EventHandler> handlers;
    private final KafkaClients clients;
    private final MessagingSettings settings;
    private final EntityManager em;
    private final EventCodec codec = new EventCodec();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile KafkaProducer<String, byte[]> dlqProducer;
    private volatile boolean running;
    private Thread thread;

    public EventConsumer(Instance<EventHandler> handlers, KafkaClients clients, MessagingSettings settings,
            EntityManager em) {
        this.handlers = handlers;
        this.clients = clients;
        this.settings = settings;
        this.em = em;
    }

    void start(@Observes StartupEvent startup) {
        Set<String> topics = new TreeSet<>();
        handlers.forEach(h -> h.handles().forEach(t -> topics.add(t.topic())));
        if (topics.isEmpty()) {
            return;
        }
        running = true;
        thread = new Thread(() -> run(topics), settings.serviceName() + "-event-consumer");
        thread.setDaemon(true);
        thread.start();
        LOG.infof("event consumer started on %s", topics);
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        if (dlqProducer != null) {
            dlqProducer.close(Duration.ofSeconds(5));
        }
    }

    private void run(Set<String> topics) {
        try (KafkaConsumer<String, byte[]> kafka = clients.consumer(settings.consumerGroup(),
                settings.serviceName() + "-consumer")) {
            consumer = kafka;
            kafka.subscribe(topics);
            while (running) {
                ConsumerRecords<String, byte[]> records = kafka.poll(settings.pollTimeout());
                for (ConsumerRecord<String, byte[]> record : records) {
                    process(record);
                }
                if (!records.isEmpty()) {
                    kafka.commitSync();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("event consumer woken unexpectedly", e);
            }
        } catch (RuntimeException e) {
            LOG.error("event consumer stopped on an unexpected error", e);
        }
    }

    /** Applies one record: decode, deduplicate, hand to every interested handler, or park it. */
    void process(ConsumerRecord<String, byte[]> record) {
        CloudEvent<EventData> event;
        try {
            event = codec.read(record.value());
        } catch (InvalidEventException e) {
            deadLetter(record, e.getMessage());
            return;
        }
        Optional<EventType> type = EventType.fromType(event.type());
        List<EventHandler> interested = handlers.stream()
                .filter(h -> type.isPresent() && h.handles().contains(type.get())).toList();
        if (interested.isEmpty()) {
            return;
        }
        RuntimeException last = null;
        for (int attempt = 1; attempt <= settings.maxHandlingAttempts() && running; attempt++) {
            try {
                QuarkusTransaction.requiringNew().run(() -> {
                    int fresh = em.createNativeQuery(
                                    "INSERT IGNORE INTO processed_event (event_id, processed_at) VALUES (?1, ?2)")
                            .setParameter(1, event.id()).setParameter(2, Instant.now()).executeUpdate();
                    if (fresh == 1) {
                        interested.forEach(h -> h.handle(event));
                    }
                });
                return;
            } catch (RuntimeException e) {
                last = e;
                LOG.warnf("event %s (%s) failed on attempt %d: %s", event.id(), event.type(), attempt, e.getMessage());
                sleep(Math.min(2_000L, 100L << attempt));
            }
        }
        if (running) {
            deadLetter(record, "failed " + settings.maxHandlingAttempts() + " times: "
                    + (last == null ? "unknown" : last.getClass().getSimpleName() + ": " + last.getMessage()));
        }
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        String dlq = Topics.dlq(record.topic());
        LOG.warnf("parking %s[%d]@%d in %s: %s", record.topic(), record.partition(), record.offset(), dlq, reason);
        ProducerRecord<String, byte[]> parked = new ProducerRecord<>(dlq, record.key(), record.value());
        parked.headers().add(DLQ_REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        parked.headers().add("ehr-dlq-source", (record.topic() + "/" + record.partition() + "/" + record.offset())
                .getBytes(StandardCharsets.UTF_8));
        try {
            dlq().send(parked).get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Not parked: do not commit past it, so it is tried again after a restart.
            throw new IllegalStateException("cannot park a record in " + dlq, e);
        }
    }

    private KafkaProducer<String, byte[]> dlq() {
        if (dlqProducer == null) {
            synchronized (this) {
                if (dlqProducer == null) {
                    dlqProducer = clients.producer(settings.serviceName() + "-dlq");
                }
            }
        }
        return dlqProducer;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
