package health.ehr.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chart under test, rendered offline with the Helm embedded by helm-java (no cluster). Renders
 * are cached per value combination, so each combination costs one Helm run for the whole suite.
 */
final class Chart {

    static final Path DIR = Path.of(System.getProperty("ehr.chart.dir", "ehr-platform")).toAbsolutePath().normalize();
    static final Path PRODUCTION_VALUES = DIR.resolve("values-production.yaml");
    static final String RELEASE = "ehr";
    static final String NAMESPACE = "ehr";
    /** Helm's offline default is Kubernetes 1.20; the chart needs 1.25 or newer. */
    static final String KUBE_VERSION = "v1.31.0";

    private static final Map<String, Rendered> CACHE = new ConcurrentHashMap<>();

    private Chart() {
    }

    static Helm helm() {
        if (!Files.isDirectory(DIR)) {
            throw new IllegalStateException("chart directory not found: " + DIR);
        }
        return new Helm(DIR);
    }

    /** Values given as {@code key=value} pairs (Helm --set syntax). */
    record Values(String name, Path file, Map<String, String> set) {

        static Values defaults() {
            return new Values("defaults", null, Map.of());
        }

        static Values production() {
            return new Values("production", PRODUCTION_VALUES, Map.of());
        }

        Values with(String... keyValues) {
            Map<String, String> merged = new LinkedHashMap<>(set);
            for (String kv : keyValues) {
                int eq = kv.indexOf('=');
                merged.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            return new Values(name, file, merged);
        }

        /** The same values under a short name for messages. */
        Values named(String newName) {
            return new Values(newName, file, set);
        }

        String key() {
            return file + "|" + new java.util.TreeMap<>(set);
        }
    }

    /** Renders the chart's manifests (Helm hooks excluded, as `helm install` would apply them). */
    static Rendered render(Values values) {
        return CACHE.computeIfAbsent(values.key(), k -> {
            String yaml = template(values);
            return new Rendered(yaml, Manifests.parseStrictly(yaml));
        });
    }

    /** Runs `helm template`; throws IllegalStateException with Helm's message when Helm refuses. */
    static String template(Values values) {
        TemplateCommand command = helm().template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        if (values.file() != null) {
            command = command.withValuesFile(values.file());
        }
        for (Map.Entry<String, String> e : values.set().entrySet()) {
            command = command.set(e.getKey(), e.getValue());
        }
        return command.call();
    }

    /** The NOTES.txt a `helm install` would print (client-only dry run). */
    static String notes(Values values) {
        InstallCommand command = helm().install().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION).dryRun().clientOnly();
        if (values.file() != null) {
            command = command.withValuesFile(values.file());
        }
        for (Map.Entry<String, String> e : values.set().entrySet()) {
            command = command.set(e.getKey(), e.getValue());
        }
        String output = command.call().getOutput();
        int notes = output.indexOf("NOTES:");
        return notes < 0 ? "" : output.substring(notes);
    }

    /** One render: the raw YAML and every document as a typed Kubernetes object. */
    record Rendered(String yaml, List<HasMetadata> objects) {

        <T extends HasMetadata> List<T> all(Class<T> type) {
            return objects.stream().filter(type::isInstance).map(type::cast).toList();
        }

        <T extends HasMetadata> T named(Class<T> type, String name) {
            return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name
                            + " among " + all(type).stream().map(o -> o.getMetadata().getName()).toList()));
        }
    }

    /** Resource name of a platform service in release {@link #RELEASE}. */
    static String resourceName(String service) {
        return RELEASE + "-ehr-platform-" + service;
    }
}
