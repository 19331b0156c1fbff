package health.ehr.anchor.testing;

import health.ehr.support.testing.Anvil;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A private anvil for fault tests (stopped, reorged, mining switched off), with fresh contracts
 * deployed by account 8; the shared anvil of the local stack is never touched by them.
 */
public class ThrowawayChain implements QuarkusTestResourceLifecycleManager {

    /** The running throwaway node, for the test to stop, start and reorg. */
    public static volatile Anvil anvil;

    @Override
    public Map<String, String> start() {
        TestChain.cleanDatabase();
        try {
            Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "anchor-throwaway-anvil");
            anvil = Anvil.throwaway(dir, anvilArgs());
            Map<String, String> config = TestChain.config(TestChain.deploy(anvil.url()), anvil.url());
            System.out.println("ThrowawayChain: anvil at " + anvil.url() + ", state in " + dir);
            return config;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start a throwaway anvil", e);
        }
    }

    /** Extra anvil arguments (e.g. {@code --block-time 1}). */
    protected String[] anvilArgs() {
        return new String[0];
    }

    @Override
    public void stop() {
        try {
            if (anvil != null) {
                anvil.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
