package health.ehr.system.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import health.ehr.support.testing.BenchFigure;
import health.ehr.support.testing.LocalStack;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Start-up time and memory (RSS) of each service of the local stack (system-tests {@code bench}
 * profile). With {@code -Dbench.restart=true} (the default) each service is restarted once, one at
 * a time, through {@code deploy/local/platform down NAME} and {@code EHR_SKIP_BUILD=1
 * deploy/local/platform up NAME}, and timed from the launch until {@code /q/health/ready} answers
 * 200; its RSS is read from /proc five seconds after. With {@code -Dbench.restart=false} nothing is
 * restarted (for a stack others are using): start-up is Quarkus's own "started in" figure from the
 * running service's log and RSS is that of the running process. Baseline: an idle JVM started with
 * the services' heap flag, timed to its main and measured the same way.
 */
class StartupMemoryBench {

    private static final List<String> SERVICES = List.of("identity-service", "records-service", "consent-service",
            "appointment-service", "notification-service", "chain-anchor-service");
    private static final Pattern STARTED = Pattern.compile("started in ([0-9.]+)s");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final long SETTLE_MS = 5_000;

    @Test
    void everyServiceStartsAndItsMemoryIsMeasured() throws Exception {
        boolean restart = Boolean.parseBoolean(System.getProperty("bench.restart", "true"));
        String xmx = LocalStack.env("EHR_SERVICE_XMX", "256m");
        Path root = LocalStack.repositoryRoot();
        Path state = Path.of(LocalStack.env("EHR_STATE_DIR", root.resolve(".local").toString()));
        Idle idle = idleJvm(xmx);
        System.out.printf(Locale.ROOT, "%nBENCH start-up and memory (%s; -Xmx%s):%n", restart
                ? "each service restarted once, one at a time" : "services not restarted", xmx);
        System.out.printf(Locale.ROOT, "BENCH   idle JVM (baseline): main after %.2f s, RSS %.0f MiB%n", idle.seconds,
                idle.rssMiB);
        List<String> missing = new java.util.ArrayList<>();
        for (String service : SERVICES) {
            long pid = pid(state, service);
            if (!restart && pid < 0) {
                // Someone else's run stopped it: say so, measure the others, fail at the end.
                System.out.printf(Locale.ROOT, "BENCH   %-21s not running: not measured%n", service);
                missing.add(service);
                continue;
            }
            double seconds;
            String how;
            if (restart) {
                seconds = restartSeconds(root, service);
                how = "restarted alone: launch to /q/health/ready 200";
            } else {
                seconds = quarkusStartedSeconds(state.resolve("logs/" + service + ".log"));
                how = "Quarkus's 'started in' of the running process, from its log (it may have been started"
                        + " together with others); not restarted";
            }
            pid = pid(state, service);
            assertTrue(pid > 0, service + " runs after its start");
            double[] rss = rssMiB(pid);
            String started = restart ? String.format(Locale.ROOT, "; Quarkus's own 'started in' %.2f s",
                    quarkusStartedSeconds(state.resolve("logs/" + service + ".log"))) : "";
            System.out.printf(Locale.ROOT, "BENCH   %-21s start-up %.2f s (%s), RSS %.0f MiB, peak RSS %.0f MiB%n",
                    service, seconds, how, rss[0], rss[1]);
            BenchFigure.of("system", "system.startup." + service, "Start-up time, " + service)
                    .value(seconds, "s")
                    .baseline(idle.seconds, "s", "an idle JVM with -Xmx" + xmx + ", launch to main, same run")
                    .notes(how + started)
                    .print();
            BenchFigure.of("system", "system.memory." + service, "Resident memory (RSS), " + service)
                    .value(rss[0], "MiB")
                    .baseline(idle.rssMiB, "MiB", "an idle JVM with -Xmx" + xmx + ", same run")
                    .notes(String.format(Locale.ROOT, "peak RSS (VmHWM) %.0f MiB; heap limit -Xmx%s; %s", rss[1], xmx,
                            restart ? "read " + SETTLE_MS / 1000 + " s after ready, idle" : "the running process"))
                    .print();
        }
        assertTrue(missing.isEmpty(), "not running, so not measured: " + missing);
    }

    /** The pid the platform script recorded for a service, or -1 when it does not run. */
    private static long pid(Path state, String service) throws IOException {
        Path file = state.resolve("run/" + service + ".pid");
        if (!Files.exists(file)) {
            return -1;
        }
        long pid = Long.parseLong(Files.readString(file).trim());
        return Files.exists(Path.of("/proc/" + pid + "/status")) ? pid : -1;
    }

    private record Idle(double seconds, double rssMiB) {
    }

    /** Starts {@link IdleJvm} with the services' heap flag: seconds to its main, RSS after the settle time. */
    private static Idle idleJvm(String xmx) throws Exception {
        String classpath = Path.of(IdleJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        long t0 = System.nanoTime();
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + xmx, "-cp", classpath, IdleJvm.class.getName()).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertTrue("ready".equals(out.readLine()), "the idle JVM reached its main");
            double seconds = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(SETTLE_MS);
            return new Idle(seconds, rssMiB(process.pid())[0]);
        } finally {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Restarts one service through the platform script; seconds from the launch until ready. */
    private static double restartSeconds(Path root, String service) throws Exception {
        Path script = root.resolve("deploy/local/platform");
        Path log = root.resolve("system-tests/target/bench-" + service + "-restart.log");
        platform(script, log, "down", service);
        long t0 = System.nanoTime();
        ProcessBuilder up = new ProcessBuilder(script.toString(), "up", service).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        up.environment().put("EHR_SKIP_BUILD", "1");
        Process process = up.start();
        String ready = LocalStack.serviceUrl(portVariable(service), defaultPort(service)) + "/q/health/ready";
        long deadline = t0 + Duration.ofMinutes(3).toNanos();
        long readyAt = 0;
        while (readyAt == 0) {
            assertTrue(System.nanoTime() < deadline, service + " ready within 3 minutes (see " + log + ")");
            if (status(ready) == 200) {
                readyAt = System.nanoTime();
            } else {
                Thread.sleep(50);
            }
        }
        assertTrue(process.waitFor(3, TimeUnit.MINUTES) && process.exitValue() == 0, "platform up " + service);
        Thread.sleep(SETTLE_MS);
        return (readyAt - t0) / 1e9;
    }

    private static void platform(Path script, Path log, String... args) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(script.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.command().addAll(List.of(args));
        Process process = builder.start();
        assertTrue(process.waitFor(5, TimeUnit.MINUTES) && process.exitValue() == 0,
                "platform " + String.join(" ", args) + " (see " + log + ")");
    }

    private static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** The last "started in N s" of a Quarkus log (the current run's). */
    private static double quarkusStartedSeconds(Path log) throws IOException {
        double seconds = Double.NaN;
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher m = STARTED.matcher(line);
            if (m.find()) {
                seconds = Double.parseDouble(m.group(1));
            }
        }
        return seconds;
    }

    /** VmRSS and VmHWM (peak) of a process, in MiB. */
    private static double[] rssMiB(long pid) throws IOException {
        double rss = Double.NaN;
        double peak = Double.NaN;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = kib(line) / 1024.0;
            } else if (line.startsWith("VmHWM:")) {
                peak = kib(line) / 1024.0;
            }
        }
        return new double[] {rss, peak};
    }

    private static long kib(String statusLine) {
        return Long.parseLong(statusLine.replaceAll("[^0-9]", ""));
    }

    private static String portVariable(String service) {
        return switch (service) {
            case "identity-service" -> "EHR_IDENTITY_PORT";
            case "records-service" -> "EHR_RECORDS_PORT";
            case "consent-service" -> "EHR_CONSENT_PORT";
            case "appointment-service" -> "EHR_APPOINTMENT_PORT";
            case "notification-service" -> "EHR_NOTIFICATION_PORT";
            default -> "EHR_CHAIN_ANCHOR_PORT";
        };
    }

    private static int defaultPort(String service) {
        return 8081 + SERVICES.indexOf(service);
    }
}
