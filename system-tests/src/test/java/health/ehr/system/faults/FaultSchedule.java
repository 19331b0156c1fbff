package health.ehr.system.faults;

import health.ehr.support.testing.LocalStack;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The faults in issue 8's order and the phases they make: phase 0 is load without a fault, phase k the k-th
 * fault, and the phase after the last fault releases whatever load is left. {@link #run} injects them one after
 * the other: {@code platform kill} (SIGKILL) and, 5 s later, {@code platform up} for services, Kafka and
 * MariaDB; {@code platform down} and {@code up} after the outage for anvil and GreenMail; 10 s between faults.
 * It records each fault in the timeline and moves the current phase on, which the load waits for.
 */
final class FaultSchedule {

    static final int OUTAGE_S = Integer.parseInt(LocalStack.env("EHR_FAULTS_OUTAGE_S", "60"));
    private static final int KILLED_FOR_S = 5;
    private static final int RECOVER_S = 10;

    /** The faults, in issue 8's order; phase 0 is load without a fault. EHR_FAULTS_COMPONENTS picks some. */
    private static final String[][] SCHEDULE = schedule(LocalStack.env("EHR_FAULTS_COMPONENTS",
            "records-service,chain-anchor-service,consent-service,notification-service,kafka,mariadb,anvil,greenmail"));

    /**
     * A fault as it happened: when (seconds since the run started), how long until the platform script had the
     * component stopped and until {@code platform up} saw it ready again, the load average at the fault.
     */
    record Fault(int phase, String component, String action, double atS, double downS, double backS,
            String load, String note) {
    }

    private final FaultStack stack;
    private final RunLog log;
    private final List<Fault> timeline = new ArrayList<>();
    private volatile int phase = -1;

    FaultSchedule(FaultStack stack, RunLog log) {
        this.stack = stack;
        this.log = log;
    }

    private static String[][] schedule(String components) {
        List<String[]> phases = new ArrayList<>();
        phases.add(new String[] {"(none)", "load only"});
        for (String component : components.split(",")) {
            String name = component.trim();
            if (!name.isEmpty()) {
                phases.add(new String[] {name, name.equals("anvil") || name.equals("greenmail") ? "stop" : "kill"});
            }
        }
        return phases.toArray(new String[0][]);
    }

    /** The number of phases: load alone, then one per fault. */
    int phases() {
        return SCHEDULE.length;
    }

    /** The phase under way: -1 before the run, 0 load alone, k the k-th fault, then past the last one. */
    int phase() {
        return phase;
    }

    /** The component phase {@code k} targets ({@code (none)} for phase 0). */
    String component(int k) {
        return SCHEDULE[k][0];
    }

    /** What phase {@code k} does to its component: {@code kill}, {@code stop} ({@code load only} for phase 0). */
    String action(int k) {
        return SCHEDULE[k][1];
    }

    /** The faults injected so far, in order. */
    List<Fault> timeline() {
        return timeline;
    }

    /** Injects every fault of the schedule, then releases whatever load is left. */
    void run(FaultLoad load, Mailboxes mail) throws InterruptedException {
        for (int k = 0; k < SCHEDULE.length; k++) {
            String component = SCHEDULE[k][0];
            String action = SCHEDULE[k][1];
            if (component.equals("greenmail")) {
                snapshotMailBeforeGreenMailStops(load, mail);
            }
            phase = k;
            if (k == 0) {
                Thread.sleep(20_000);
                continue;
            }
            double at = log.seconds();
            String loadAverage = FaultStack.loadAverage();
            String note = "";
            log.print("fault %d: %s %s (load %s)", k, action, component, loadAverage);
            if (action.equals("kill")) {
                check(stack.platform("kill", component), "platform kill " + component);
                double down = log.seconds();
                Thread.sleep(KILLED_FOR_S * 1000L);
                check(stack.platform("up", component), "platform up " + component);
                timeline.add(new Fault(k, component, "SIGKILL, `up` after " + KILLED_FOR_S + " s", at,
                        down - at, log.seconds() - at, loadAverage, note));
            } else {
                long blockBefore = component.equals("anvil") ? stack.blockNumber() : 0;
                check(stack.platform("down", component), "platform down " + component);
                double down = log.seconds();
                load.resumeMail();
                Thread.sleep(OUTAGE_S * 1000L);
                check(stack.platform("up", component), "platform up " + component);
                if (component.equals("anvil")) {
                    long blockAfter = stack.blockNumber();
                    boolean code = stack.hasCode(stack.contract("EHR_CONTRACTS_ANCHOR_REGISTRY"))
                            && stack.hasCode(stack.contract("EHR_CONTRACTS_CONSENT_REGISTRY"));
                    note = "block " + blockBefore + " before the stop, " + blockAfter + " after the restart (state file"
                            + " kept), contracts " + (code ? "present" : "MISSING");
                }
                timeline.add(new Fault(k, component, "`down` (SIGTERM), `up` after " + OUTAGE_S + " s", at,
                        down - at, log.seconds() - at, loadAverage, note));
            }
            log.print("fault %d: %s back after %.1f s", k, component, log.seconds() - at);
            Thread.sleep(RECOVER_S * 1000L);
        }
        phase = Integer.MAX_VALUE / 2; // everything not yet released goes now
    }

    private void check(boolean ok, String what) {
        if (!ok) {
            log.note(what + " failed (exit status not 0)");
            log.print("WARNING: %s failed", what);
        }
    }

    /**
     * GreenMail keeps mail in memory: stopping it forgets every mail it got. Before it stops, new
     * bookings and consent actions wait, the mail they caused is awaited, and every inbox is counted;
     * the final count adds these. Bookings resume as soon as GreenMail is down.
     */
    private void snapshotMailBeforeGreenMailStops(FaultLoad load, Mailboxes mail) throws InterruptedException {
        load.pauseMail();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        load.awaitMailOpsInFlight(deadline);
        mail.countBeforeGreenMailStops(deadline);
    }
}
