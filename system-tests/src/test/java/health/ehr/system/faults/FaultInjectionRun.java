package health.ehr.system.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 8's fault run: 2,000 uploads, 200 bookings and a handful of consent grants and revocations
 * through the gateway while records-, chain-anchor-, consent- and notification-service, Kafka and
 * MariaDB are killed (SIGKILL) and restarted in turn and anvil and GreenMail are stopped for a minute.
 * Afterwards every acknowledged upload must be readable byte for byte and anchored exactly once (its
 * proof folded to a root that AnchorRegistry holds, its leaf in exactly one anchored batch), every
 * acknowledged booking must exist once, every expected mail must have arrived exactly once, and every
 * consent's state must equal the chain's. Writes {@code target/faults-report.md}; fails when anything
 * was lost or duplicated.
 *
 * <p>Not part of the default build (the name matches no test pattern): {@code deploy/local/platform
 * faults} runs it with {@code -Pfaults}. It kills servers of the stack it is pointed at.
 *
 * <p>The parts, in the order they run: {@link FaultParties} (set-up), {@link FaultLoad} and
 * {@link ConsentLoad} (the load) while {@link FaultSchedule} injects the faults ({@link Mailboxes} counts
 * GreenMail's mail before it stops), {@link Settling}, {@link FaultChecks} (with {@link AnchorCheck}),
 * {@link FaultReport}.
 */
class FaultInjectionRun {

    private final FaultStack stack = new FaultStack();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final RunLog log = new RunLog();

    @Test
    void nothingAcknowledgedIsLostOrDuplicatedWhileServersCrash() throws Exception {
        log.print("run %s: %d uploads, %d bookings, stack %s, gateway %s, load %s", run, FaultLoad.UPLOADS,
                FaultLoad.BOOKINGS, stack.state, stack.gateway, FaultStack.loadAverage());
        FaultSchedule schedule = new FaultSchedule(stack, log);
        FaultParties parties = FaultParties.setUp(stack, log, FaultLoad.BOOKINGS);
        FaultLoad load = new FaultLoad(stack, log, run, schedule, parties);
        Mailboxes mail = new Mailboxes(stack, log, run, parties);

        load.start();
        schedule.run(load, mail);
        load.awaitEnd();
        double loadEnd = log.seconds();
        log.print("load finished at %.0f s: %d of %d uploads acknowledged, %d of %d bookings; load %s", loadEnd,
                load.acknowledged.size(), FaultLoad.UPLOADS, load.booked.size(), FaultLoad.BOOKINGS,
                FaultStack.loadAverage());

        Settling.Settled settled = new Settling(stack, log, schedule, load, mail).settle(loadEnd);
        FaultChecks.Results results = new FaultChecks(stack, log, run, parties, load).check(settled);
        FaultReport report = new FaultReport(stack, run, schedule, load, mail, log, loadEnd, results);
        String markdown = report.markdown();
        Path file = stack.root.resolve("system-tests/target/faults-report.md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, markdown);
        System.out.println(markdown);
        log.print("report written to %s", file);
        assertEquals(0, report.lost(), "nothing acknowledged may be lost (see " + file + ")");
        assertEquals(0, report.duplicated(), "nothing may be duplicated (see " + file + ")");
    }
}
