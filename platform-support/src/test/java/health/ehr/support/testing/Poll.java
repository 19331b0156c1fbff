package health.ehr.support.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, polling, instead of fixed sleeps. */
public final class Poll {

    private Poll() {
    }

    /**
     * Polls {@code condition} every 100 ms (running {@code meanwhile}, if not null, between polls) until it is true;
     * fails with "not within {deadline}: {what}" after the deadline.
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

    /** {@link #until(String, Duration, Callable, ThrowingRunnable)} with nothing to do between polls. */
    public static void until(String what, Duration deadline, Callable<Boolean> condition) throws Exception {
        until(what, deadline, condition, null);
    }

    /**
     * Polls {@code value} every 50 ms until {@code done} holds for it and returns that value; fails with the last
     * value after {@code timeout}.
     */
    public static <T> T until(Duration timeout, Supplier<T> value, Predicate<T> done, String what) {
        long end = System.nanoTime() + timeout.toNanos();
        T last = null;
        while (System.nanoTime() < end) {
            last = value.get();
            if (done.test(last)) {
                return last;
            }
            sleep(50);
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last: " + last);
    }

    /** Asserts that {@code condition} holds for {@code value} at every poll (every 50 ms) during {@code period}. */
    public static <T> void holds(Duration period, Supplier<T> value, Predicate<T> condition, String what) {
        long end = System.nanoTime() + period.toNanos();
        while (System.nanoTime() < end) {
            T now = value.get();
            if (!condition.test(now)) {
                throw new AssertionError("expected " + what + " throughout " + period + ", but saw " + now);
            }
            sleep(50);
        }
    }

    /** {@link Thread#sleep} without the checked exception (the interrupt flag is kept). */
    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A step that may throw. */
    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }
}
