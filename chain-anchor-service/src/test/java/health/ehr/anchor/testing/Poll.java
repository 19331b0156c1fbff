package health.ehr.anchor.testing;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waits for a condition with a deadline instead of sleeping. */
public final class Poll {

    private Poll() {
    }

    /**
     * Polls {@code condition} every 100 ms (running {@code meanwhile} between polls) until true; fails after the
     * deadline.
     */
    public static void until(String what, Duration deadline, Callable<Boolean> condition, ThrowingRunnable meanwhile)
            throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            if (Boolean.TRUE.equals(condition.call())) {
                return;
            }
            if (meanwhile != null) {
                meanwhile.run();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within " + deadline + ": " + what);
    }

    public static void until(String what, Duration deadline, Callable<Boolean> condition) throws Exception {
        until(what, deadline, condition, null);
    }

    /** A step that may throw. */
    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }
}
