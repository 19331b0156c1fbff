package health.ehr.system.faults;

import java.util.Collection;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The fault run's clock, its console log ({@code [faults   12.3 s] ...}: seconds since the run started) and
 * its notes: findings made by any thread (a platform command that failed, an answer nobody expected, a title
 * listed twice) that the report lists after its own.
 */
final class RunLog {

    private final long t0 = System.nanoTime();
    private final ConcurrentLinkedQueue<String> notes = new ConcurrentLinkedQueue<>();

    /** Seconds since the run started. */
    double seconds() {
        return (System.nanoTime() - t0) / 1e9;
    }

    void print(String format, Object... args) {
        System.out.printf("[faults %6.1f s] %s%n", seconds(), String.format(format, args));
    }

    void note(String finding) {
        notes.add(finding);
    }

    /** The notes so far, in the order they were made. */
    Collection<String> notes() {
        return notes;
    }
}
