package health.ehr.anchor.bench;

import health.ehr.anchor.service.MerkleTree;
import health.ehr.anchor.testing.ConsumerWarmup;
import health.ehr.anchor.testing.EventBus;
import health.ehr.events.CloudEvent;
import health.ehr.events.EventData;
import health.ehr.events.Topics;
import health.ehr.events.anchor.BatchAnchored;
import health.ehr.events.records.RecordStored;
import health.ehr.support.messaging.KafkaClients;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (prints figures): RecordStored → BatchAnchored latency with the default settings (batches
 * of 2 s or 10,000 leaves, 2 confirmations = the including block and one on top), on a throwaway anvil
 * that mines one block per second. 400 records
 * at 20 per second. Run: {@code mvn -Pbench -DskipStack verify -pl chain-anchor-service}.
 */
@QuarkusTest
@TestProfile(BenchChains.OneSecondBlocks.class)
class AnchoringLatencyBench {

    private static final int RECORDS = 400;
    private static final long EVERY_MS = 50;

    @Inject
    KafkaClients clients;
    @Inject
    EntityManager em;

    @Test
    void recordStoredToBatchAnchoredWithOneSecondBlocks() throws Exception {
        ConsumerWarmup.ensure(clients, em); // measure the running service, not its group join
        SecureRandom random = new SecureRandom();
        Map<UUID, Long> publishedAt = new HashMap<>();
        List<Long> latenciesMs = new ArrayList<>();
        try (EventBus bus = new EventBus(clients); EventBus.Reader reader = bus.readerAtEnd(Topics.ANCHOR)) {
            UUID patient = UUID.randomUUID();
            long next = System.nanoTime();
            for (int i = 0; i < RECORDS; i++) {
                byte[] sha = new byte[32];
                random.nextBytes(sha);
                UUID id = UUID.randomUUID();
                publishedAt.put(id, System.nanoTime());
                bus.publish(new RecordStored(id, patient, patient, MerkleTree.toHex(sha), 1, "OTHER", Instant.now()));
                next += EVERY_MS * 1_000_000;
                collect(reader, publishedAt, latenciesMs, Math.max(0, (next - System.nanoTime()) / 1_000_000));
            }
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (latenciesMs.size() < RECORDS && System.nanoTime() < end) {
                collect(reader, publishedAt, latenciesMs, 200);
            }
        }
        Assertions.assertEquals(RECORDS, latenciesMs.size(), "every record announced");
        Collections.sort(latenciesMs);
        System.out.printf("%nBENCH latency RecordStored -> BatchAnchored (1-s blocks, defaults: batches of 2 s,"
                + " 2 confirmations,"
                + " %d records at %d/s): p50 %d ms, p95 %d ms, max %d ms%n", RECORDS, 1000 / EVERY_MS,
                latenciesMs.get(RECORDS / 2), latenciesMs.get((int) Math.ceil(RECORDS * 0.95) - 1),
                latenciesMs.get(RECORDS - 1));
    }

    private void collect(EventBus.Reader reader, Map<UUID, Long> publishedAt, List<Long> latencies, long waitMs) {
        if (waitMs <= 0) {
            return;
        }
        // The running platform's chain-anchor-service also anchors these records (on the shared chain) and
        // announces them on the same topic: count only this service's batches, and each record once.
        for (CloudEvent<EventData> e : reader.await(e -> e.data() instanceof BatchAnchored b && ours(b),
                Integer.MAX_VALUE, Duration.ofMillis(waitMs))) {
            long now = System.nanoTime();
            for (UUID id : ((BatchAnchored) e.data()).recordIds()) {
                Long at = publishedAt.remove(id);
                if (at != null) {
                    latencies.add((now - at) / 1_000_000);
                }
            }
        }
    }

    private boolean ours(BatchAnchored batch) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "SELECT COUNT(*) FROM anchor_batch WHERE batch_id = UNHEX(REPLACE(?1, '-', ''))")
                .setParameter(1, batch.batchId().toString()).getSingleResult()).longValue() == 1);
    }
}
