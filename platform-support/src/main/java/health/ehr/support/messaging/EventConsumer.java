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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.hibernate.Session;
import org.jboss.logging.Logger;

/**
 * The service's one Kafka consumer: subscribes to the topics its {@link EventHandler}s need, and
 * applies each event exactly once in effect. The event id goes into {@code processed_event} in the
 * same transaction as the handlers' changes, so a redelivered event changes nothing; offsets are
 * committed only after processing, so a crash loses nothing. An event that is not a valid platform
 * CloudEvent, or that keeps failing, goes to {@code <topic>.dlq} with the reason and blocks nothing.
 *
 * <p>Consecutive events of one poll that only {@link BatchEventHandler}s handle are applied together:
 * deduplicated against {@code processed_event} with one query, marked processed with one multi-row
 * insert and handed to each batch handler at once, all in one transaction. If that transaction
 * fails, the same events are applied one at a time (with retries and the DLQ) as above. Other events
 * get one transaction each; the poll's order is kept either way.
 */
@ApplicationScoped
public class EventConsumer {

    private static final Logger LOG = Logger.getLogger(EventConsumer.class);
    static final String DLQ_REASON_HEADER = "ehr-dlq-reason";
    /** Rows per multi-row statement of a batch. */
    private static final int SQL_CHUNK = 1_000;

    private final Instance<EventHandler> handlers;
    private final KafkaClients clients;
    private final MessagingSettings settings;
    private final EntityManager em;
    private final EventCodec codec = new EventCodec();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile KafkaProducer<String, byte[]> dlqProducer;
    private volatile boolean running;
    /** The event types some handler handles. */
    private volatile Set<EventType> wanted = Set.of();
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
        Set<EventType> types = java.util.EnumSet.noneOf(EventType.class);
        handlers.forEach(h -> h.handles().forEach(t -> {
            topics.add(t.topic());
            types.add(t);
        }));
        wanted = types;
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

    /**
     * Keeps a consumer running for as long as the service runs: whatever ends one (Kafka restarting
     * under it and a commit timing out, a record that cannot be parked), the next is created after a
     * back-off, from the last committed offsets, so nothing is skipped and redelivered events are
     * deduplicated as always. A consumer that ended for good would leave a ready service that no
     * longer reads its topics (found by the fault-injection run: mails stopped after a Kafka crash).
     */
    private void run(Set<String> topics) {
        long backoff = 1_000;
        while (running) {
            long started = System.nanoTime();
            try {
                consume(topics);
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                if (System.nanoTime() - started > TimeUnit.MINUTES.toNanos(1)) {
                    backoff = 1_000; // it ran for a while: a new failure starts the back-off again
                }
                LOG.errorf(e, "event consumer failed; a new consumer starts in %d ms from the committed offsets",
                        backoff);
                sleep(backoff);
                backoff = Math.min(30_000, backoff * 2);
            }
        }
    }

    private void consume(Set<String> topics) {
        try (KafkaConsumer<String, byte[]> kafka = clients.consumer(settings.consumerGroup(),
                settings.serviceName() + "-consumer", Map.of(
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxPollRecords(),
                        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, settings.maxPartitionFetchBytes()))) {
            consumer = kafka;
            kafka.subscribe(topics);
            while (running) {
                ConsumerRecords<String, byte[]> records = kafka.poll(settings.pollTimeout());
                processAll(records);
                // Stopping may have cut the poll short: commit nothing then (redelivery is harmless).
                if (!records.isEmpty() && running) {
                    kafka.commitSync();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw new IllegalStateException("event consumer woken unexpectedly", e);
            }
        }
    }

    /** A decoded record and the handlers interested in it. */
    private record Decoded(ConsumerRecord<String, byte[]> record, CloudEvent<EventData> event,
            List<EventHandler> interested) {

        boolean batchable() {
            return interested.stream().allMatch(BatchEventHandler.class::isInstance);
        }
    }

    /** Applies one poll's records in order, runs of batchable events in one transaction each. */
    void processAll(Iterable<ConsumerRecord<String, byte[]>> records) {
        List<Decoded> run = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            if (!running) {
                return;
            }
            Optional<Decoded> decoded = decode(record);
            if (decoded.isEmpty()) {
                continue;
            }
            if (decoded.get().batchable()) {
                run.add(decoded.get());
            } else {
                applyBatch(run);
                run.clear();
                apply(decoded.get());
            }
        }
        applyBatch(run);
    }

    /** Applies one record: decode, deduplicate, hand to every interested handler, or park it. */
    void process(ConsumerRecord<String, byte[]> record) {
        decode(record).ifPresent(this::apply);
    }

    /** The record as an event with its interested handlers; empty if parked (unreadable) or of no interest. */
    private Optional<Decoded> decode(ConsumerRecord<String, byte[]> record) {
        // A known type no handler wants is skipped unread: shared topics carry floods of events most
        // consumers ignore (100,000 RecordStored for the anchoring benchmark, which every consumer of
        // ehr.records.v1 would otherwise decode whole). Anything else is decoded, and parked if invalid.
        Optional<EventType> peeked = codec.peekType(record.value()).flatMap(EventType::fromType);
        if (peeked.isPresent() && !wanted.contains(peeked.get())) {
            return Optional.empty();
        }
        CloudEvent<EventData> event;
        try {
            event = codec.read(record.value());
        } catch (InvalidEventException e) {
            deadLetter(record, e.getMessage());
            return Optional.empty();
        }
        Optional<EventType> type = EventType.fromType(event.type());
        List<EventHandler> interested = handlers.stream()
                .filter(h -> type.isPresent() && h.handles().contains(type.get())).toList();
        return interested.isEmpty() ? Optional.empty() : Optional.of(new Decoded(record, event, interested));
    }

    /**
     * Applies a run of batchable events in one transaction; if it fails, applies them one by one, so
     * that only an event that fails on its own is retried and parked.
     */
    private void applyBatch(List<Decoded> run) {
        if (run.isEmpty() || !running) {
            return;
        }
        if (run.size() > 1) {
            try {
                QuarkusTransaction.requiringNew().run(() -> applyTogether(run));
                return;
            } catch (RuntimeException e) {
                LOG.warnf("a batch of %d events failed (%s: %s); applying them one at a time", run.size(),
                        e.getClass().getSimpleName(), e.getMessage());
            }
        }
        run.forEach(this::apply);
    }

    private void applyTogether(List<Decoded> run) {
        Map<String, Decoded> fresh = new LinkedHashMap<>();
        run.forEach(d -> fresh.putIfAbsent(d.event().id(), d));
        boolean track = run.stream().flatMap(d -> d.interested().stream())
                .anyMatch(h -> !((BatchEventHandler) h).idempotent());
        if (track) {
            markProcessed(fresh);
        }
        if (fresh.isEmpty()) {
            return;
        }
        Map<BatchEventHandler, List<CloudEvent<EventData>>> perHandler = new LinkedHashMap<>();
        for (Decoded d : fresh.values()) {
            for (EventHandler h : d.interested()) {
                perHandler.computeIfAbsent((BatchEventHandler) h, k -> new ArrayList<>()).add(d.event());
            }
        }
        perHandler.forEach(BatchEventHandler::handleAll);
    }

    /** Drops the events already in {@code processed_event} from {@code fresh} and records the others. */
    private void markProcessed(Map<String, Decoded> fresh) {
        Instant now = Instant.now();
        em.unwrap(Session.class).doWork(connection -> {
            List<String> ids = new ArrayList<>(fresh.keySet());
            for (int from = 0; from < ids.size(); from += SQL_CHUNK) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + SQL_CHUNK));
                try (PreparedStatement select = connection.prepareStatement(
                        "SELECT event_id FROM processed_event WHERE event_id IN ("
                                + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")")) {
                    for (int i = 0; i < chunk.size(); i++) {
                        select.setString(i + 1, chunk.get(i));
                    }
                    try (ResultSet known = select.executeQuery()) {
                        while (known.next()) {
                            fresh.remove(known.getString(1));
                        }
                    }
                }
            }
            // A plain INSERT: if another consumer marked one of them meanwhile, the key clash fails the
            // batch and the one-at-a-time fallback (INSERT IGNORE) skips that event.
            List<String> insert = new ArrayList<>(fresh.keySet());
            for (int from = 0; from < insert.size(); from += SQL_CHUNK) {
                List<String> chunk = insert.subList(from, Math.min(insert.size(), from + SQL_CHUNK));
                try (PreparedStatement mark = connection.prepareStatement(
                        "INSERT INTO processed_event (event_id, processed_at) VALUES "
                                + String.join(", ", Collections.nCopies(chunk.size(), "(?, ?)")))) {
                    Timestamp at = Timestamp.from(now);
                    for (int i = 0; i < chunk.size(); i++) {
                        mark.setString(2 * i + 1, chunk.get(i));
                        mark.setTimestamp(2 * i + 2, at);
                    }
                    mark.executeUpdate();
                }
            }
        });
    }

    /** Applies one event in its own transaction, with retries; parks it after the last failed attempt. */
    private void apply(Decoded decoded) {
        CloudEvent<EventData> event = decoded.event();
        List<EventHandler> interested = decoded.interested();
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
            deadLetter(decoded.record(), "failed " + settings.maxHandlingAttempts() + " times: "
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
