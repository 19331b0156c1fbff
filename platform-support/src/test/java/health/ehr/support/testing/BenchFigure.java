package health.ehr.support.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One benchmark figure as one structured stdout line, {@code BENCH-FIGURE {json}}, which
 * {@code deploy/local/platform bench} collects into docs/benchmarks.md and docs/benchmarks.json. A
 * benchmark keeps its human {@code BENCH} lines and adds one call per figure:
 *
 * <pre>{@code
 * BenchFigure.of("consent-service", "consent.check.p99", "Consent check p99 at 1,000 req/s")
 *         .value(p99, "ms")
 *         .baseline(jdbcP99, "ms", "the check's SQL through JDBC, same rate, same run")
 *         .below(5, "p99 < 5 ms at 1,000 req/s")
 *         .notes("20,000 requests, 0 errors")
 *         .print();
 * }</pre>
 *
 * Call {@code value} and {@code baseline} before a target, which is decided from them when it is
 * set. The ratio is value / baseline unless {@link #ratio(double, String)} says otherwise; the machine's
 * load average at the moment of printing is added, since on a shared machine it explains a figure.
 * Non-finite numbers are written as {@code null}.
 */
public final class BenchFigure {

    /** The prefix bench.sh looks for (followed by one space and one JSON object, on one line). */
    public static final String PREFIX = "BENCH-FIGURE ";

    private final String service;
    private final String id;
    private final String title;
    private Double value;
    private String unit = "";
    private Double baselineValue;
    private String baselineUnit;
    private String baselineWhat;
    private Double ratio;
    private String ratioWhat;
    private String targetText;
    private Boolean targetMet;
    private Double targetLimit;
    private String targetOp;
    private String notes;

    private BenchFigure(String service, String id, String title) {
        this.service = service;
        this.id = id;
        this.title = title;
    }

    /**
     * A figure of {@code service} (a module name, e.g. {@code consent-service}, or {@code system}),
     * with a stable {@code id} (dotted, e.g. {@code consent.check.p99}) and a human title.
     */
    public static BenchFigure of(String service, String id, String title) {
        return new BenchFigure(service, id, title);
    }

    public BenchFigure value(double value, String unit) {
        this.value = value;
        this.unit = unit;
        return this;
    }

    /** What the figure is compared with, measured in the same run ({@code what} says what it is). */
    public BenchFigure baseline(double value, String unit, String what) {
        this.baselineValue = value;
        this.baselineUnit = unit;
        this.baselineWhat = what;
        return this;
    }

    /** Overrides the default ratio (value / baseline), e.g. baseline / value for "× less gas". */
    public BenchFigure ratio(double ratio, String what) {
        this.ratio = ratio;
        this.ratioWhat = what;
        return this;
    }

    /** A target that is met when the value is strictly below {@code limit} (same unit as the value). */
    public BenchFigure below(double limit, String text) {
        return target(text, value != null && value < limit, limit, "<");
    }

    /** A target that is met when the value is at least {@code limit} (same unit as the value). */
    public BenchFigure atLeast(double limit, String text) {
        return target(text, value != null && value >= limit, limit, ">=");
    }

    /** A target that is met when the ratio (given or value / baseline) is at least {@code limit}. */
    public BenchFigure ratioAtLeast(double limit, String text) {
        Double r = effectiveRatio();
        return target(text, r != null && r >= limit, limit, "ratio>=");
    }

    /** A target whose test is not a simple comparison (e.g. "completes with a 128 MiB heap"). */
    public BenchFigure target(String text, boolean met) {
        return target(text, met, null, null);
    }

    private BenchFigure target(String text, boolean met, Double limit, String op) {
        this.targetText = text;
        this.targetMet = met;
        this.targetLimit = limit;
        this.targetOp = op;
        return this;
    }

    public BenchFigure notes(String notes) {
        this.notes = notes;
        return this;
    }

    /** Whether the target, if any, is met (false without a target). */
    public boolean met() {
        return Boolean.TRUE.equals(targetMet);
    }

    /** The line, without printing it. */
    public String line() {
        StringBuilder json = new StringBuilder("{");
        field(json, "service", service);
        field(json, "id", id);
        field(json, "title", title);
        number(json, "value", value);
        field(json, "unit", unit);
        if (baselineValue != null) {
            json.append(",\"baseline\":{");
            int start = json.length();
            number(json, "value", baselineValue);
            field(json, "unit", baselineUnit);
            field(json, "what", baselineWhat);
            trimLeadingComma(json, start);
            json.append('}');
        }
        Double r = effectiveRatio();
        if (r != null) {
            number(json, "ratio", r);
            field(json, "ratioWhat", ratioWhat != null ? ratioWhat : "value / baseline");
        }
        if (targetText != null) {
            json.append(",\"target\":{");
            int start = json.length();
            field(json, "text", targetText);
            json.append(",\"met\":").append(targetMet);
            if (targetLimit != null) {
                number(json, "limit", targetLimit);
                field(json, "op", targetOp);
            }
            trimLeadingComma(json, start);
            json.append('}');
        }
        if (notes != null) {
            field(json, "notes", notes);
        }
        String load = loadAverage();
        if (load != null) {
            field(json, "load", load);
        }
        trimLeadingComma(json, 1);
        return PREFIX + json.append('}');
    }

    /** Prints the line on stdout (where bench.sh reads it from the Maven log). */
    public void print() {
        System.out.println(line());
        System.out.flush();
    }

    private Double effectiveRatio() {
        if (ratio != null) {
            return ratio;
        }
        if (value != null && baselineValue != null && baselineValue != 0) {
            return value / baselineValue;
        }
        return null;
    }

    /** The 1-, 5- and 15-minute load averages, as /proc/loadavg gives them (null off Linux). */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (Exception notLinux) {
            return null;
        }
    }

    private static void field(StringBuilder json, String name, String value) {
        if (value == null) {
            return;
        }
        json.append(",\"").append(name).append("\":\"").append(escape(value)).append('"');
    }

    private static void number(StringBuilder json, String name, Double value) {
        json.append(",\"").append(name).append("\":");
        if (value == null || value.isNaN() || value.isInfinite()) {
            json.append("null");
        } else if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            json.append(value.longValue());
        } else {
            json.append(String.format(Locale.ROOT, "%.6g", value).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2")
                    .replaceAll("\\.(e|$)", "$1").replace("e+", "e"));
        }
    }

    private static void trimLeadingComma(StringBuilder json, int at) {
        if (json.length() > at && json.charAt(at) == ',') {
            json.deleteCharAt(at);
        }
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
