package health.ehr.anchor.service;

import health.ehr.anchor.client.ChainClient;
import health.ehr.anchor.config.AnchorConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches the chain's head ({@code eth_blockNumber} every {@code anchor.head-poll-interval}) and learns
 * its block rhythm: when the last blocks came at a steady interval (an L2, a PoS chain, anvil with
 * {@code --block-time}), it predicts the next ones, so that the batch closer can hand its anchor to the
 * node just before a block instead of just after one. A node that mines only on demand has no rhythm,
 * and nothing is predicted. The latest head it saw also tells the tracker when a new block arrived.
 */
@ApplicationScoped
public class BlockClock {

    private static final int GAPS = 8;
    /** The longest gap may be at most this much longer than the shortest for the rhythm to count as steady. */
    private static final double STEADY = 1.5;

    private final ChainClient chain;
    private final AnchorConfig config;
    private final long[] gapsMillis = new long[GAPS];
    private final AtomicLong head = new AtomicLong(-1);
    private int gapCount;
    private Instant lastSeen;
    private Ticker ticker;

    public BlockClock(ChainClient chain, AnchorConfig config) {
        this.chain = chain;
        this.config = config;
    }

    void start(@Observes StartupEvent startup) {
        ticker = new Ticker("chain-head-watch", Duration.ofSeconds(1), config.headPollInterval(), this::look);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (ticker != null) {
            ticker.close();
        }
    }

    /** The latest head seen, -1 before the first answer. */
    public long head() {
        return head.get();
    }

    void look() {
        long now;
        try {
            now = chain.blockNumber();
        } catch (RuntimeException e) {
            synchronized (this) {
                gapCount = 0; // the node is away: whatever rhythm it had must be learnt again
            }
            return;
        }
        seen(now, Instant.now());
    }

    /** Records the head {@code number} seen at {@code at}. */
    synchronized void seen(long number, Instant at) {
        long previous = head.get();
        if (number == previous) {
            return;
        }
        if (previous >= 0 && number == previous + 1 && lastSeen != null) {
            System.arraycopy(gapsMillis, 0, gapsMillis, 1, GAPS - 1);
            gapsMillis[0] = Duration.between(lastSeen, at).toMillis();
            gapCount = Math.min(GAPS, gapCount + 1);
        } else {
            gapCount = 0; // first sight, a skipped block or a reorg to a lower head: start over
        }
        head.set(number);
        lastSeen = at;
    }

    /**
     * The time the first block after {@code deadline + lead} would be too late for: the latest moment
     * to submit so that a transaction is in the last block at or before {@code deadline + lead}.
     * Empty when the chain has no steady rhythm, or when no block comes before then.
     */
    public synchronized Optional<Instant> lastSubmitBefore(Instant deadline, Duration lead) {
        if (gapCount < GAPS / 2 || lastSeen == null) {
            return Optional.empty();
        }
        long min = Long.MAX_VALUE;
        long max = 0;
        long sum = 0;
        for (int i = 0; i < gapCount; i++) {
            min = Math.min(min, gapsMillis[i]);
            max = Math.max(max, gapsMillis[i]);
            sum += gapsMillis[i];
        }
        if (min <= 0 || max > min * STEADY) {
            return Optional.empty();
        }
        long interval = sum / gapCount;
        // The block came at most one poll before it was seen: assume the earliest, so that the lead holds.
        Instant base = lastSeen.minus(config.headPollInterval());
        long blocks = Duration.between(base, deadline.plus(lead)).toMillis() / interval;
        if (blocks < 1) {
            return Optional.empty();
        }
        return Optional.of(base.plusMillis(blocks * interval).minus(lead));
    }
}
