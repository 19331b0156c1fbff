package health.ehr.anchor.bench;

import health.ehr.anchor.testing.ThrowawayChain;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** Profiles of the benchmarks: each on its own throwaway anvil. */
public final class BenchChains {

    private BenchChains() {
    }

    /** Full 10,000-leaf batches only (the age trigger is out of the way), anvil automining. */
    public static class FullBatches implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("anchor.batch-max-age", "10m", "anchor.batch-max-leaves", "10000");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ThrowawayChain.class));
        }
    }

    /** The default batching (2 s / 10,000) on a chain that mines one block per second. */
    public static class OneSecondBlocks implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(IntervalMiningChain.class));
        }
    }

    /** A throwaway anvil with 1-second blocks. */
    public static class IntervalMiningChain extends ThrowawayChain {
        @Override
        protected String[] anvilArgs() {
            return new String[] {"--block-time", "1"};
        }
    }
}
