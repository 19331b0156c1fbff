package health.ehr.anchor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.ehr.anchor.config.AnchorConfig;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BlockClockTest {

    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration LEAD = Duration.ofMillis(300);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void withOneSecondBlocksTheLatestSubmitIsTheLeadBeforeTheLastBlockTheDeadlineAllows() {
        BlockClock clock = clock();
        for (int n = 0; n <= 8; n++) {
            clock.seen(100 + n, T0.plusMillis(1_000L * n + 50)); // each block seen 50 ms after it came
        }
        // Last block seen at 8.05 s (so it came at 7.95 s at the earliest): the next ones at 8.95 s and 9.95 s.
        // Submitting by 9.65 s (the lead before 9.95 s) still closes before a deadline of 9.8 s.
        Instant latest = clock.lastSubmitBefore(T0.plusMillis(9_800), LEAD).orElseThrow();

        assertEquals(T0.plusMillis(9_650), latest);
    }

    @Test
    void aDeadlineBeforeTheNextBlockLeavesNothingToAimAt() {
        BlockClock clock = clock();
        for (int n = 0; n <= 8; n++) {
            clock.seen(100 + n, T0.plusMillis(1_000L * n + 50));
        }

        assertTrue(clock.lastSubmitBefore(T0.plusMillis(8_500), LEAD).isEmpty());
    }

    @Test
    void aChainThatMinesOnDemandHasNoRhythm() {
        BlockClock clock = clock();
        long[] seenAtMillis = {0, 300, 4_000, 4_100, 9_000, 15_000, 15_200, 30_000, 31_000};
        for (int n = 0; n < seenAtMillis.length; n++) {
            clock.seen(7 + n, T0.plusMillis(seenAtMillis[n]));
        }

        assertTrue(clock.lastSubmitBefore(T0.plusMillis(32_000), LEAD).isEmpty());
    }

    @Test
    void aSkippedBlockStartsTheLearningOver() {
        BlockClock clock = clock();
        for (int n = 0; n <= 8; n++) {
            clock.seen(100 + n, T0.plusMillis(1_000L * n));
        }
        clock.seen(110, T0.plusMillis(9_000));

        assertTrue(clock.lastSubmitBefore(T0.plusMillis(10_500), LEAD).isEmpty());
    }

    private static BlockClock clock() {
        AnchorConfig config = (AnchorConfig) Proxy.newProxyInstance(AnchorConfig.class.getClassLoader(),
                new Class<?>[] {AnchorConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("headPollInterval")) {
                        return POLL;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return new BlockClock(null, config);
    }
}
