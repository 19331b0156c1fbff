package health.ehr.anchor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import health.ehr.anchor.service.MerkleTree;
import health.ehr.anchor.testing.Anvil;
import health.ehr.anchor.testing.EventBus;
import health.ehr.anchor.testing.ThrowawayChain;
import health.ehr.events.CloudEvent;
import health.ehr.events.EventCodec;
import health.ehr.events.EventData;
import health.ehr.events.Topics;
import health.ehr.events.anchor.BatchAnchored;
import health.ehr.events.records.RecordStored;
import health.ehr.support.messaging.KafkaClients;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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
 * Benchmark (prints figures, asserts only correctness): 10,000 RecordStored events through Kafka →
 * leaves → one Merkle batch → one anchor transaction → BatchAnchored, on a throwaway automining anvil;
 * and, in the same run on the same chain, the naive alternative: one {@code NaiveHashStore.storeHash}
 * transaction per record (contracts/bench, compiled by the contracts module), measured over 1,000 writes.
 * Run: {@code mvn -Pbench -DskipStack verify -pl chain-anchor-service}.
 */
@QuarkusTest
@TestProfile(BenchChains.FullBatches.class)
class AnchoringThroughputBench {

    private static final int RECORDS = 10_000;
    private static final int NAIVE_WRITES = 1_000;
    /** anvil's dev account 7: only the benchmark sends from it, only on its throwaway chain. */
    private static final String ACCOUNT_7_KEY = "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356";

    @Inject
    KafkaClients clients;

    @Test
    void tenThousandRecordsThroughKafkaMerkleAndChainVersusNaiveWrites() throws Exception {
        Anvil anvil = ThrowawayChain.anvil;
        EventCodec codec = new EventCodec();
        SecureRandom random = new SecureRandom();
        Set<UUID> ids = new HashSet<>();
        BatchAnchored batch;
        long started;
        long published;
        long anchoredAt;
        try (EventBus bus = new EventBus(clients); EventBus.Reader reader = bus.readerAtEnd(Topics.ANCHOR);
                KafkaProducer<String, byte[]> producer = clients.producer("bench-" + UUID.randomUUID())) {
            UUID patient = UUID.randomUUID();
            started = System.nanoTime();
            for (int i = 0; i < RECORDS; i++) {
                UUID id = UUID.randomUUID();
                ids.add(id);
                byte[] sha = new byte[32];
                random.nextBytes(sha);
                CloudEvent<RecordStored> event = CloudEvent.of("/bench", new RecordStored(id, patient, patient,
                        MerkleTree.toHex(sha), 1, "OTHER", Instant.now()));
                producer.send(new ProducerRecord<>(Topics.RECORDS, patient.toString(), codec.write(event)));
            }
            producer.flush();
            published = System.nanoTime();
            List<CloudEvent<EventData>> events = new ArrayList<>();
            long end = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (events.isEmpty() && System.nanoTime() < end) {
                events.addAll(reader.await(e -> e.data() instanceof BatchAnchored b && b.recordIds().size() == RECORDS
                        && ids.contains(b.recordIds().get(0)), 1, Duration.ofSeconds(1)));
                anvil.mine(1);
            }
            anchoredAt = System.nanoTime();
            batch = (BatchAnchored) events.get(0).data();
        }
        assertEquals(ids, new HashSet<>(batch.recordIds()));
        TransactionReceipt receipt = anvil.web3j().ethGetTransactionReceipt(batch.transactionHash()).send()
                .getTransactionReceipt().orElseThrow();
        long batchGas = receipt.getGasUsed().longValueExact();

        long naiveGas = naiveWrites(anvil);
        double naivePerRecord = (double) naiveGas / NAIVE_WRITES;
        double seconds = (anchoredAt - started) / 1e9;
        System.out.printf("%nBENCH anchoring throughput (Kafka -> Merkle -> chain, automine, 2 confirmations):%n");
        System.out.printf("BENCH   %,d records published in %.2f s; all final on chain and announced after %.2f s"
                + " => %.0f records/s end to end%n", RECORDS, (published - started) / 1e9, seconds, RECORDS / seconds);
        System.out.printf("BENCH gas: one anchor of a %,d-leaf batch = %,d gas = %.2f gas per record%n", RECORDS,
                batchGas, (double) batchGas / RECORDS);
        System.out.printf("BENCH gas: naive storeHash per record = %.0f gas (mean of %,d real writes) => %,.0f gas for"
                + " %,d records, %.0fx the batch%n", naivePerRecord, NAIVE_WRITES, naivePerRecord * RECORDS, RECORDS,
                naivePerRecord * RECORDS / batchGas);
    }

    /** Deploys NaiveHashStore from the contracts module's build output and stores NAIVE_WRITES hashes; total gas. */
    private static long naiveWrites(Anvil anvil) throws Exception {
        Path bin = repoRoot().resolve("contracts/target/solidity/NaiveHashStore.bin");
        String bytecode = Files.readString(bin).strip();
        Credentials account = Credentials.create(ACCOUNT_7_KEY);
        long nonce = anvil.web3j().ethGetTransactionCount(account.getAddress(), DefaultBlockParameterName.PENDING)
                .send().getTransactionCount().longValueExact();
        BigInteger maxFee = BigInteger.valueOf(50_000_000_000L);
        BigInteger tip = BigInteger.valueOf(1_000_000_000L);
        String deployHash = send(anvil, account, RawTransaction.createTransaction(31337, BigInteger.valueOf(nonce++),
                BigInteger.valueOf(1_000_000), "", BigInteger.ZERO, Numeric.prependHexPrefix(bytecode), tip, maxFee));
        String store = anvil.web3j().ethGetTransactionReceipt(deployHash).send().getTransactionReceipt().orElseThrow()
                .getContractAddress();
        SecureRandom random = new SecureRandom();
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < NAIVE_WRITES; i++) {
            byte[] hash = new byte[32];
            random.nextBytes(hash);
            String data = FunctionEncoder.encode(new Function("storeHash", Arrays.asList(new Bytes32(hash)), List.of()));
            hashes.add(send(anvil, account, RawTransaction.createTransaction(31337, BigInteger.valueOf(nonce++),
                    BigInteger.valueOf(100_000), store, BigInteger.ZERO, data, tip, maxFee)));
        }
        long total = 0;
        for (String hash : hashes) {
            TransactionReceipt r = anvil.web3j().ethGetTransactionReceipt(hash).send().getTransactionReceipt()
                    .orElseThrow();
            total += r.getGasUsed().longValueExact();
        }
        return total;
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
