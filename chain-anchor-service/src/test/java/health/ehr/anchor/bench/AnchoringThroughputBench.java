package health.ehr.anchor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import health.ehr.anchor.service.MerkleTree;
import health.ehr.anchor.testing.ConsumerWarmup;
import health.ehr.anchor.testing.EventBus;
import health.ehr.anchor.testing.ThrowawayChain;
import health.ehr.events.CloudEvent;
import health.ehr.events.EventCodec;
import health.ehr.events.EventData;
import health.ehr.events.Topics;
import health.ehr.events.anchor.BatchAnchored;
import health.ehr.events.records.RecordStored;
import health.ehr.support.messaging.KafkaClients;
import health.ehr.support.testing.Anvil;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * Benchmark (prints figures, asserts only correctness): 100,000 RecordStored events (1,000 patients, so
 * all partitions) through Kafka → leaves → ten 10,000-leaf Merkle batches → ten anchor transactions →
 * BatchAnchored, on a throwaway automining anvil; and, in the same run on the same chain, the naive
 * alternative: one {@code NaiveHashStore.storeHash} transaction per record (contracts/bench, compiled by
 * the contracts module), measured over 1,000 writes. It reports the ingest rate (events → stored
 * leaves, sampled every 250 ms while the service consumes) apart from the end-to-end rate (first event
 * published → last batch final and announced). A first round of 20,000 records, not measured, warms the
 * service up: the figure is the sustained rate of a running service, not a cold JVM's first seconds.
 * Run: {@code mvn -Pbench -DskipStack verify -pl chain-anchor-service}.
 */
@QuarkusTest
@TestProfile(BenchChains.FullBatches.class)
class AnchoringThroughputBench {

    private static final int RECORDS = 100_000;
    private static final int WARMUP_RECORDS = 20_000;
    private static final int BATCH = 10_000;
    private static final int PATIENTS = 1_000;
    private static final int NAIVE_WRITES = 1_000;
    /** anvil's dev account 7: only the benchmark sends from it, only on its throwaway chain. */
    private static final String ACCOUNT_7_KEY = "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356";

    @Inject
    KafkaClients clients;
    @Inject
    EntityManager em;

    @Test
    void hundredThousandRecordsThroughKafkaMerkleAndChainVersusNaiveWrites() throws Exception {
        ConsumerWarmup.ensure(clients, em); // measure the running service, not its group join
        Anvil anvil = ThrowawayChain.anvil;
        // Sustained throughput is a warm service's: a first, unmeasured round of two batches lets the
        // JIT compile the intake and the batch closer (a cold JVM spends its first seconds compiling).
        Round warmup = round(anvil, WARMUP_RECORDS);
        System.out.printf("%nBENCH warm-up: %,d records anchored in %.2f s (not measured)%n", WARMUP_RECORDS,
                warmup.seconds());
        Round round = round(anvil, RECORDS);
        List<BatchAnchored> batches = round.batches();
        TransactionReceipt receipt = anvil.web3j().ethGetTransactionReceipt(batches.get(0).transactionHash()).send()
                .getTransactionReceipt().orElseThrow();
        long batchGas = receipt.getGasUsed().longValueExact();
        List<long[]> samples = round.samples();
        long started = round.started();

        // Ingest: stored leaves over time; the steady rate between 10 % and 90 % of the records.
        long[] allStored = samples.stream().filter(s -> s[1] >= RECORDS).findFirst().orElseThrow();
        long[] from = samples.stream().filter(s -> s[1] >= RECORDS / 10).findFirst().orElseThrow();
        long[] to = samples.stream().filter(s -> s[1] >= RECORDS * 9 / 10).findFirst().orElseThrow();
        double ingestSeconds = (allStored[0] - started) / 1e9;
        double steady = (to[1] - from[1]) / ((to[0] - from[0]) / 1e9);

        double seconds = round.seconds();
        System.out.printf("%nBENCH anchoring throughput (Kafka -> Merkle -> chain, automine, %d confirmations,"
                + " %,d-leaf batches, after the warm-up):%n", 2, BATCH);
        System.out.printf("BENCH   %,d records published in %.2f s (%.0f/s; %d sends timed out and were repeated)%n",
                RECORDS, (round.published() - started) / 1e9, RECORDS / ((round.published() - started) / 1e9),
                round.resent());
        System.out.printf("BENCH   ingest: all %,d leaves stored %.2f s after the first was published"
                + " => %.0f records/s;"
                + " steady rate between 10 %% and 90 %%: %.0f records/s%n", RECORDS, ingestSeconds,
                RECORDS / ingestSeconds, steady);
        System.out.printf("BENCH   end to end: all %d batches final on chain and announced after %.2f s"
                + " => %.0f records/s%n", batches.size(), seconds, RECORDS / seconds);
        long naiveGas = naiveWrites(anvil);
        double naivePerRecord = (double) naiveGas / NAIVE_WRITES;
        System.out.printf("BENCH gas: one anchor of a %,d-leaf batch = %,d gas = %.2f gas per record%n",
                batches.get(0).leafCount(), batchGas, (double) batchGas / batches.get(0).leafCount());
        System.out.printf("BENCH gas: naive storeHash per record = %.0f gas (mean of %,d real writes) => %,.0f gas for"
                + " %,d records, %.0fx the batch%n", naivePerRecord, NAIVE_WRITES, naivePerRecord * BATCH, BATCH,
                naivePerRecord * BATCH / batchGas);
    }

    /** One measured pass: its batches, the stored-leaf samples {nanoTime, leaves} and its times. */
    private record Round(List<BatchAnchored> batches, List<long[]> samples, long started, long published,
            long anchoredAt, int resent) {

        double seconds() {
            return (anchoredAt - started) / 1e9;
        }
    }

    /**
     * Publishes {@code records} RecordStored events (over {@link #PATIENTS} patients, so all partitions) and
     * waits until this service announced every one of them anchored, exactly once.
     */
    private Round round(Anvil anvil, int records) throws Exception {
        EventCodec codec = new EventCodec();
        SecureRandom random = new SecureRandom();
        Set<UUID> ids = new HashSet<>();
        List<BatchAnchored> batches = new ArrayList<>();
        List<long[]> samples = new CopyOnWriteArrayList<>();
        long before = storedLeaves();
        long started;
        long published;
        long anchoredAt;
        int resent = 0;
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try (EventBus bus = new EventBus(clients); EventBus.Reader reader = bus.readerAtEnd(Topics.ANCHOR);
                KafkaProducer<String, byte[]> producer = clients.producer("bench-" + UUID.randomUUID())) {
            List<UUID> patients = new ArrayList<>();
            for (int p = 0; p < PATIENTS; p++) {
                patients.add(UUID.randomUUID());
            }
            List<byte[]> encoded = new ArrayList<>(records);
            List<String> keys = new ArrayList<>(records);
            for (int i = 0; i < records; i++) {
                UUID id = UUID.randomUUID();
                ids.add(id);
                byte[] sha = new byte[32];
                random.nextBytes(sha);
                UUID patient = patients.get(i % PATIENTS);
                encoded.add(codec.write(CloudEvent.of("/bench", new RecordStored(id, patient, patient,
                        MerkleTree.toHex(sha), 1, "OTHER", Instant.now()))));
                keys.add(patient.toString());
            }
            started = System.nanoTime();
            // COUNT(*) scans the table: every 250 ms is often enough for the 10 %-90 % rate and costs little.
            sampler.scheduleAtFixedRate(() -> samples.add(new long[] {System.nanoTime(), storedLeaves() - before}),
                    0, 250, TimeUnit.MILLISECONDS);
            List<Future<RecordMetadata>> sends = new ArrayList<>(records);
            for (int i = 0; i < records; i++) {
                sends.add(producer.send(new ProducerRecord<>(Topics.RECORDS, keys.get(i), encoded.get(i))));
            }
            producer.flush();
            // On a loaded machine some sends time out: send those again, so that every record is published.
            for (int i = 0; i < records; i++) {
                try {
                    sends.get(i).get();
                } catch (ExecutionException e) {
                    producer.send(new ProducerRecord<>(Topics.RECORDS, keys.get(i), encoded.get(i))).get();
                    resent++;
                }
            }
            published = System.nanoTime();
            Set<UUID> announced = new HashSet<>();
            long end = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (announced.size() < records && System.nanoTime() < end) {
                // The running platform's chain-anchor-service consumes the same topic and announces its
                // own batches of these records (from the shared chain): count only this service's batches.
                for (CloudEvent<EventData> e : reader.await(e -> e.data() instanceof BatchAnchored b
                        && ids.contains(b.recordIds().get(0)) && ours(b), Integer.MAX_VALUE, Duration.ofMillis(250))) {
                    BatchAnchored b = (BatchAnchored) e.data();
                    batches.add(b);
                    announced.addAll(b.recordIds());
                }
                anvil.mine(1); // automine: blocks on top of the last anchor for its confirmations
            }
            anchoredAt = System.nanoTime();
        } finally {
            sampler.shutdownNow();
            sampler.awaitTermination(5, TimeUnit.SECONDS);
        }
        samples.add(new long[] {System.nanoTime(), storedLeaves() - before});
        Set<UUID> announced = new HashSet<>();
        batches.forEach(b -> announced.addAll(b.recordIds()));
        assertEquals(ids, announced, "every record announced");
        assertEquals(records, batches.stream().mapToInt(b -> b.recordIds().size()).sum(), "each record once");
        return new Round(batches, samples, started, published, anchoredAt, resent);
    }

    private boolean ours(BatchAnchored batch) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "SELECT COUNT(*) FROM anchor_batch WHERE batch_id = UNHEX(REPLACE(?1, '-', ''))")
                .setParameter(1, batch.batchId().toString()).getSingleResult()).longValue() == 1);
    }

    private long storedLeaves() {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "SELECT COUNT(*) FROM anchor_leaf").getSingleResult()).longValue());
    }

    /** Deploys NaiveHashStore from the contracts module's build output and stores NAIVE_WRITES hashes; total gas. */
    private static long naiveWrites(Anvil anvil) throws Exception {
        Path bin = repoRoot().resolve("contracts/target/solidity/NaiveHashStore.bin");
        String bytecode = Files.readString(bin).strip();
        Credentials account = Credentials.create(ACCOUNT_7_KEY);
        long nonce = anvil.web3j().ethGetTransactionCount(account.getAddress(), DefaultBlockParameterName.PENDING)
                .send().getTransactionCount().longValueExact();
        BigInteger tip = BigInteger.valueOf(1_000_000_000L);
        // Twice the current base fee plus the tip (a fixed cap once left a write pending after a long run).
        BigInteger baseFee = anvil.web3j().ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send()
                .getBlock().getBaseFeePerGas();
        BigInteger maxFee = baseFee.shiftLeft(1).add(tip).max(BigInteger.valueOf(50_000_000_000L));
        String deployHash = send(anvil, account, RawTransaction.createTransaction(31337, BigInteger.valueOf(nonce++),
                BigInteger.valueOf(1_000_000), "", BigInteger.ZERO, Numeric.prependHexPrefix(bytecode), tip, maxFee));
        String store = receipt(anvil, deployHash).getContractAddress();
        SecureRandom random = new SecureRandom();
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < NAIVE_WRITES; i++) {
            byte[] hash = new byte[32];
            random.nextBytes(hash);
            String data = FunctionEncoder.encode(
                    new Function("storeHash", Arrays.asList(new Bytes32(hash)), List.of()));
            hashes.add(send(anvil, account, RawTransaction.createTransaction(31337, BigInteger.valueOf(nonce++),
                    BigInteger.valueOf(100_000), store, BigInteger.ZERO, data, tip, maxFee)));
        }
        long total = 0;
        for (String hash : hashes) {
            TransactionReceipt r = receipt(anvil, hash);
            total += r.getGasUsed().longValueExact();
        }
        return total;
    }

    /** The receipt, waiting for it a little (a loaded machine can lag behind automine). */
    private static TransactionReceipt receipt(Anvil anvil, String hash) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            var receipt = anvil.web3j().ethGetTransactionReceipt(hash).send().getTransactionReceipt();
            if (receipt.isPresent() || System.nanoTime() > end) {
                return receipt.orElseThrow();
            }
            Thread.sleep(50);
        }
    }

    private static String send(Anvil anvil, Credentials account, RawTransaction tx) throws Exception {
        EthSendTransaction sent = anvil.web3j().ethSendRawTransaction(
                Numeric.toHexString(TransactionEncoder.signMessage(tx, account))).send();
        if (sent.hasError()) {
            throw new IllegalStateException(sent.getError().getMessage());
        }
        return sent.getTransactionHash();
    }

    static Path repoRoot() {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isDirectory(root.resolve("contracts"))) {
            root = root.getParent();
        }
        return root;
    }
}
