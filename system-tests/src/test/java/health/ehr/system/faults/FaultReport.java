package health.ehr.system.faults;

import health.ehr.support.testing.LocalStack;
import health.ehr.system.faults.FaultChecks.Bookings;
import health.ehr.system.faults.FaultChecks.Consents;
import health.ehr.system.faults.FaultChecks.Mails;
import health.ehr.system.faults.FaultChecks.Results;
import health.ehr.system.faults.FaultChecks.Uploads;
import health.ehr.system.faults.FaultSchedule.Fault;
import health.ehr.system.faults.Settling.Settled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fault run's report ({@code target/faults-report.md}, copied to docs/faults.md): attempted, acknowledged,
 * lost and duplicated per kind, the answers the client got, the fault timeline with the failed answers of each
 * phase, and the findings. {@link #lost} and {@link #duplicated} are the totals the run asserts are 0.
 */
final class FaultReport {

    private final FaultStack stack;
    private final String run;
    private final FaultSchedule schedule;
    private final FaultLoad load;
    private final Mailboxes mail;
    private final RunLog log;
    private final double loadEnd;
    private final Results results;
    private final long lost;
    private final long duplicated;

    FaultReport(FaultStack stack, String run, FaultSchedule schedule, FaultLoad load, Mailboxes mail, RunLog log,
            double loadEnd, Results results) {
        this.stack = stack;
        this.run = run;
        this.schedule = schedule;
        this.load = load;
        this.mail = mail;
        this.log = log;
        this.loadEnd = loadEnd;
        this.results = results;
        Uploads uploads = results.uploads();
        AnchorCheck.Anchors anchors = results.anchors();
        Bookings bookings = results.bookings();
        Mails mails = results.mails();
        Consents consents = results.consents();
        this.lost = uploads.lost() + anchors.lost() + bookings.lost() + mails.lost() + consents.lost()
                + consents.differs();
        this.duplicated = uploads.duplicated() + anchors.duplicated() + bookings.duplicated() + mails.duplicated()
                + consents.duplicated();
    }

    /** Acknowledged items lost, in all: uploads, anchors, bookings, mails, consents (and consents the chain denies). */
    long lost() {
        return lost;
    }

    /** Items duplicated, in all. */
    long duplicated() {
        return duplicated;
    }

    /** The report's markdown (written on each call: it is dated). */
    String markdown() {
        Settled settled = results.settled();
        Uploads uploads = results.uploads();
        AnchorCheck.Anchors anchors = results.anchors();
        Bookings bookings = results.bookings();
        Mails mails = results.mails();
        Consents consents = results.consents();
        StringBuilder md = new StringBuilder();
        md.append("# Fault injection under load (issue 8)\n\n");
        md.append("Written by `deploy/local/platform faults`"
                + " (`system-tests`, `health.ehr.system.faults.FaultInjectionRun`)"
                + " on ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(", run `").append(run)
                .append("`, stack `").append(stack.state).append("` (gateway ").append(stack.gateway).append(").\n");
        md.append("Two cores shared with other work: times are pessimistic; the load average (1/5/15 min) is given"
                + " beside each fault. ")
                .append(settled.settled() ? "Everything settled "
                        : "NOT everything settled within " + Settling.SETTLE.toMinutes() + " min, ")
                .append(String.format("%.0f s after the load ended", settled.settledAt() - loadEnd)).append(".\n\n");
        md.append("Services' jars (").append(jarsRoot()).append("): ").append(jars()).append(".\n\n");
        md.append("| | attempted | acknowledged | lost | duplicated |\n| --- | ---: | ---: | ---: | ---: |\n");
        md.append(row("uploads (201)", FaultLoad.UPLOADS + " (" + load.uploadTries.get() + " HTTP tries)",
                load.acknowledged.size(), uploads.lost(), uploads.duplicated()));
        md.append(row("anchors (acknowledged uploads; ANCHORED, on chain, in one anchored batch)",
                load.acknowledged.size(), settled.proofs().size(), anchors.lost(), anchors.duplicated()));
        md.append(row("bookings (201)", FaultLoad.BOOKINGS, load.booked.size(), bookings.lost(),
                bookings.duplicated()));
        md.append(row("mails (expected from the appointments and consents the services hold)", mails.expected(),
                mails.expected() - mails.lost(), mails.lost(), mails.duplicated()));
        md.append(row("consents (grants + revocations, 202; state on chain = consent-service)", consents.attempted(),
                consents.acknowledged(), consents.lost() + consents.differs(), consents.duplicated()));
        md.append("\n**Lost: ").append(lost).append(", duplicated: ").append(duplicated)
                .append(".**\n\n");
        md.append("Answers to upload tries: ").append(new TreeMap<>(counts(load.uploadAnswers)))
                .append("; uploads given up after ").append(FaultLoad.MAX_TRIES).append(" tries: ")
                .append(load.uploadsGivenUp.get())
                .append("; tries without a 201 whose record was stored anyway (not lost, not a duplicate: the client"
                        + " never learnt of it): ").append(uploads.storedUnacknowledged()).append(".\n");
        md.append("Answers to booking tries: ").append(new TreeMap<>(counts(load.bookingAnswers)))
                .append("; bookings whose outcome the client did not learn: ").append(load.bookingsUncertain.size())
                .append("; BOOKED appointments without a 201: ").append(bookings.bookedUnacknowledged())
                .append("; given up: ").append(load.bookingsGivenUp.get()).append(".\n");
        md.append("Answers to consent requests: ").append(new TreeMap<>(counts(load.consentAnswers)))
                .append("; consents whose state differs from the chain: ").append(consents.differs()).append(".\n");
        md.append("Batches by status: ").append(anchors.batchStatus()).append(" (membership read from ")
                .append(anchors.sources())
                .append("); acknowledged records also in a batch that is not ANCHORED: ")
                .append(anchors.inOtherBatch())
                .append("; distinct roots checked on chain: ").append(anchors.rootsChecked()).append(".\n\n");
        timeline(md);
        findings(md, uploads, anchors, mails, consents);
        return md.toString();
    }

    private void timeline(StringBuilder md) {
        md.append("## Fault timeline\n\n| # | component | fault | at (s) | down after (s) | back after (s) | load"
                + " at the fault | failed answers in this phase | note |\n"
                + "| ---: | --- | --- | ---: | ---: | ---: | --- | --- | --- |\n");
        md.append("| 0 | (none) | load only | 0 | | | | ").append(failed(0)).append(" | |\n");
        for (Fault fault : schedule.timeline()) {
            md.append(String.format("| %d | %s | %s | %.0f | %.1f | %.1f | %s | %s | %s |%n", fault.phase(),
                    fault.component(), fault.action(), fault.atS(), fault.downS(), fault.backS(), fault.load(),
                    failed(fault.phase()), fault.note()));
        }
        if (load.failedByPhase.containsKey(schedule.phases())) {
            md.append("| | (after the last fault) | | | | | | ").append(failed(schedule.phases())).append(" | |\n");
        }
        md.append("\n\"at\": seconds since the run started; \"down after\": until the platform script had the"
                + " component stopped; \"back after\": until `platform up` saw it ready again (downtime"
                + " included). The load ran ").append(String.format("%.0f s", loadEnd))
                .append(" in all, spread over the phases.\n\n");
        if (!mail.before().isEmpty()) {
            md.append("GreenMail keeps mail in memory, so a stop forgets it: before the stop, new bookings and"
                    + " consent actions waited, the mail so far was awaited and counted (")
                    .append(Mailboxes.total(mail.before()))
                    .append(" mails), and that count is added to what arrived after the restart.\n");
        }
        if (schedule.timeline().stream().anyMatch(f -> f.component().equals("anvil"))) {
            md.append("Anvil was stopped with `platform down anvil` (SIGTERM; anvil writes its `--state` file on"
                    + " exit) and started again with `platform up anvil`, which loads it: the chain was unreachable"
                    + " for the outage and kept its state (see the block numbers above); it was not replaced by a"
                    + " fresh chain.\n");
        }
        md.append('\n');
    }

    private void findings(StringBuilder md, Uploads uploads, AnchorCheck.Anchors anchors, Mails mails,
            Consents consents) {
        List<String> problems = new ArrayList<>();
        load.failedByPhase.forEach((k, failed) -> failed.forEach((key, n) -> {
            if (key.endsWith(" 500")) {
                problems.add(n.get() + " " + key.replace(" 500", "") + " tries answered 500 in phase " + k + " ("
                        + (k < schedule.phases() ? schedule.action(k) + " " + schedule.component(k)
                                : "after the faults")
                        + "): a server error where an outage should answer 503 (nothing was lost: the tries were"
                        + " repeated)");
            }
        }));
        problems.addAll(uploads.problems().stream().map(p -> "upload lost: " + p).toList());
        problems.addAll(anchors.problems().stream().map(p -> "anchor: " + p).toList());
        problems.addAll(mails.problems().stream().map(p -> "mail: " + p).toList());
        problems.addAll(consents.problems().stream().map(p -> "consent: " + p).toList());
        problems.addAll(log.notes());
        if (!problems.isEmpty()) {
            md.append("## Findings\n\n");
            for (String problem : problems.subList(0, Math.min(problems.size(), 200))) {
                md.append("- ").append(problem).append('\n');
            }
            if (problems.size() > 200) {
                md.append("- ... and ").append(problems.size() - 200).append(" more\n");
            }
        }
    }

    /** The checkout whose service jars ran: the frozen copy of faults.sh --frozen-jars, else this one. */
    private Path jarsRoot() {
        String script = LocalStack.env("EHR_FAULTS_PLATFORM", "");
        return script.isEmpty() ? stack.root : Path.of(script).toAbsolutePath().getParent().getParent().getParent();
    }

    private String jars() {
        List<String> built = new ArrayList<>();
        for (String name : List.of("identity-service", "records-service", "consent-service", "appointment-service",
                "notification-service", "chain-anchor-service")) {
            Path jar = jarsRoot().resolve(name + "/target/quarkus-app/app/" + name + "-0.1.0-SNAPSHOT.jar");
            try {
                built.add(name + " " + Files.getLastModifiedTime(jar).toInstant().truncatedTo(ChronoUnit.SECONDS));
            } catch (IOException e) {
                built.add(name + " ?");
            }
        }
        return String.join(", ", built);
    }

    /** The failed answers of one phase, e.g. {@code booking 503=4, upload 503=16}; {@code none}. */
    private String failed(int phase) {
        Map<String, AtomicInteger> failed = load.failedByPhase.getOrDefault(phase, Map.of());
        return failed.isEmpty() ? "none" : new TreeMap<>(counts(failed)).toString().replaceAll("[{}]", "");
    }

    private static Map<String, Integer> counts(Map<String, AtomicInteger> answers) {
        Map<String, Integer> plain = new HashMap<>();
        answers.forEach((k, v) -> plain.put(k, v.get()));
        return plain;
    }

    private static String row(String what, Object attempted, long acknowledged, long lost, long duplicated) {
        return "| " + what + " | " + attempted + " | " + acknowledged + " | " + lost + " | " + duplicated + " |\n";
    }
}
