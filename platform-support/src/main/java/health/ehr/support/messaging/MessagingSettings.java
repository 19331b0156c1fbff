package health.ehr.support.messaging;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;

/** Configuration of the shared messaging pieces (prefix {@code ehr.messaging}). */
@ConfigMapping(prefix = "ehr.messaging")
public interface MessagingSettings {

    /** The service's name: the CloudEvents {@code source} of the events it publishes. */
    @WithName("service-name")
    @WithDefault("${quarkus.application.name}")
    String serviceName();

    /** The Kafka consumer group of the service's event consumer (replicas share it). */
    @WithDefault("${quarkus.application.name}")
    String consumerGroup();

    /** Whether this service has an outbox table and runs the relay (a build-time switch). */
    @WithName("outbox.enabled")
    @WithDefault("false")
    boolean outboxEnabled();

    /** How often the relay looks for unpublished outbox rows. */
    @WithDefault("0.2s")
    Duration relayInterval();

    /**
     * How long published outbox rows are kept (marked by {@code published_at}) before a sweep deletes
     * them. Zero, the default: deleted in the transaction that saw Kafka acknowledge them, so the
     * table holds only what Kafka does not have yet. Tests that read back what a service wrote set it.
     */
    @WithName("outbox.retention")
    @WithDefault("0s")
    Duration outboxRetention();

    /** Most outbox rows the relay publishes in one round. */
    @WithDefault("500")
    int relayBatchSize();

    /** Attempts at handling one event before it is parked in the topic's DLQ. */
    @WithDefault("5")
    int maxHandlingAttempts();

    /** How long a consumer poll waits for records. */
    @WithDefault("200ms")
    Duration pollTimeout();

    /**
     * Most records one poll of the event consumer returns (Kafka's {@code max.poll.records}). Events
     * that only {@link BatchEventHandler}s handle are applied a poll at a time, so this is their
     * transaction size.
     */
    @WithDefault("500")
    int maxPollRecords();

    /** Most bytes the event consumer fetches per partition and request (Kafka's {@code max.partition.fetch.bytes}). */
    @WithDefault("1048576")
    int maxPartitionFetchBytes();
}
