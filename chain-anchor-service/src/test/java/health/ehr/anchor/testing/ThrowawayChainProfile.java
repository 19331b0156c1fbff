package health.ehr.anchor.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** Runs the service against a {@link ThrowawayChain}, with a short resubmission timeout. */
public class ThrowawayChainProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("anchor.resubmit-after", "2s", "anchor.readiness-timeout", "1s");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(ThrowawayChain.class));
    }
}
