package health.ehr.anchor.service;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A background loop with a fixed delay below one second, which Quarkus' {@code @Scheduled} does not
 * offer (it rounds every value under 1 s up to 1 s). One daemon thread per loop; an exception is logged
 * and the loop goes on.
 */
final class Ticker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Ticker.class);

    private final ScheduledExecutorService executor;

    Ticker(String name, Duration initialDelay, Duration delay, Runnable task) {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.errorf(e, "%s: round failed", name);
            }
        }, initialDelay.toMillis(), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
