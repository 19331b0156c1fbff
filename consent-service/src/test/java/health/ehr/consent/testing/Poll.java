package health.ehr.consent.testing;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, polling (no fixed sleeps). */
public final class Poll {

    private Poll() {
    }

    /** Polls {@code value} until {@code done} holds for it; fails with the last value after {@code timeout}. */
    public static <T> T until(Duration timeout, Supplier<T> value, java.util.function.Predicate<T> done,
            String what) {
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

    /** Asserts that {@code condition} holds for {@code value} at every poll during {@code period}. */
    public static <T> void holds(Duration period, Supplier<T> value, java.util.function.Predicate<T> condition,
            String what) {
        long end = System.nanoTime() + period.toNanos();
        while (System.nanoTime() < end) {
            T now = value.get();
            if (!condition.test(now)) {
                throw new AssertionError("expected " + what + " throughout " + period + ", but saw " + now);
            }
            sleep(50);
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
