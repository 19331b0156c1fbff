package health.ehr.anchor.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** The service's Micrometer meters (Prometheus at {@code /q/metrics}). */
@ApplicationScoped
public class AnchorMetrics {

    private final DistributionSummary batchLeaves;
    private final DistributionSummary gasPerBatch;
    private final DistributionSummary gasPerRecord;
    private final Timer eventToAnchored;
    private final AtomicLong pendingTransactions = new AtomicLong();
    private final AtomicReference<Double> balanceWei = new AtomicReference<>(Double.NaN);
    private final Counter feeBumps;
    private final Counter reorgs;
    private final Counter withdrawals;
    private final MeterRegistry registry;

    public AnchorMetrics(MeterRegistry registry) {
        this.registry = registry;
        batchLeaves = DistributionSummary.builder("ehr.anchor.batch.leaves")
                .description("Leaves (records and audit heads) per closed batch").register(registry);
        gasPerBatch = DistributionSummary.builder("ehr.anchor.batch.gas")
                .description("Gas used by a batch's anchor transaction").baseUnit("gas").register(registry);
        gasPerRecord = DistributionSummary.builder("ehr.anchor.record.gas")
                .description("Gas used per anchored record (batch gas / leaf count)").baseUnit("gas")
                .register(registry);
        eventToAnchored = Timer.builder("ehr.anchor.latency")
                .description("From a record's event to its batch being final on chain")
                .publishPercentiles(0.5, 0.95, 0.99).publishPercentileHistogram()
                .register(registry);
        Gauge.builder("ehr.chain.transactions.pending", pendingTransactions, AtomicLong::get)
                .description("Writer transactions signed but not yet final").register(registry);
        Gauge.builder("ehr.chain.writer.balance", balanceWei, r -> r.get())
                .description("The chain writer's balance").baseUnit("wei").register(registry);
        feeBumps = Counter.builder("ehr.chain.transactions.fee.bumps")
                .description("Resubmissions with the same nonce and higher fees").register(registry);
        reorgs = Counter.builder("ehr.chain.transactions.reorged")
                .description("Mined transactions dropped or moved by a reorg").register(registry);
        withdrawals = Counter.builder("ehr.chain.transactions.withdrawn")
                .description("Confirmed transactions a reorg deeper than the confirmation depth removed")
                .register(registry);
    }

    public void batchClosed(int leaves) {
        batchLeaves.record(leaves);
    }

    public void batchAnchored(int leaves, long gasUsed) {
        gasPerBatch.record(gasUsed);
        gasPerRecord.record((double) gasUsed / leaves);
    }

    public void leafAnchored(Duration sinceEvent) {
        eventToAnchored.record(sinceEvent.isNegative() ? Duration.ZERO : sinceEvent);
    }

    public void pendingTransactions(long count) {
        pendingTransactions.set(count);
    }

    public void writerBalance(double wei) {
        balanceWei.set(wei);
    }

    public void feeBumped() {
        feeBumps.increment();
    }

    public void withdrawn() {
        withdrawals.increment();
    }

    public void reorged() {
        reorgs.increment();
    }

    public void commandOutcome(String commandType, String outcome) {
        registry.counter("ehr.chain.commands", "type", commandType, "outcome", outcome).increment();
    }
}
