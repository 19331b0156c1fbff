package health.ehr.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The chart lints strictly and renders valid Kubernetes objects for every value combination a hospital uses. */
class ChartRenderingTest {

    @Test
    void chartPassesStrictLint() {
        LintResult result = Chart.helm().lint().strict().call();
        assertFalse(result.isFailed(), () -> String.join("\n", result.getMessages()));
        assertTrue(result.getMessages().stream().noneMatch(m -> m.startsWith("[WARNING]") || m.startsWith("[ERROR]")),
                () -> String.join("\n", result.getMessages()));
    }

    @Test
    void defaultValuesRenderOneDeploymentServiceConfigMapAndServiceAccountPerService() {
        Chart.Rendered r = Chart.render(Renders.DEFAULTS);
        for (String key : Renders.SERVICES.keySet()) {
            String name = Renders.serviceName(key);
            r.named(Deployment.class, name);
            r.named(Service.class, name);
            r.named(ConfigMap.class, name);
            r.named(ServiceAccount.class, name);
        }
        assertEquals(7, r.all(Deployment.class).size());
    }

    @Test
    void productionValuesRenderOnlyValidKubernetesObjects() {
        Chart.Rendered r = Chart.render(Renders.PRODUCTION);
        Set<String> kinds = r.objects().stream().map(HasMetadata::getKind).collect(Collectors.toSet());
        assertTrue(kinds.containsAll(Set.of("Deployment", "Service", "ConfigMap", "ServiceAccount", "Ingress",
                "HTTPRoute", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "ServiceMonitor",
                "Job")), kinds::toString);
        assertTrue(r.all(io.fabric8.kubernetes.api.model.Secret.class).stream()
                        .noneMatch(s -> s.getMetadata().getName().equals(Chart.resourceName("credentials"))),
                "production names existing Secrets only: the chart creates no credentials Secret");
    }

    @Test
    void evaluationModeRendersTheInClusterServersLabelledNotForProduction() {
        Chart.Rendered r = Chart.render(Renders.EVALUATION);
        for (String server : List.of("mysql", "kafka", "minio", "keycloak", "mailpit", "anvil")) {
            Deployment d = r.named(Deployment.class, Chart.resourceName("eval-" + server));
            assertEquals(1, d.getSpec().getReplicas(), server + " runs a single replica");
            assertEquals("true", d.getMetadata().getLabels().get("ehr.health/evaluation-only"), server);
            assertTrue(d.getMetadata().getAnnotations().get("ehr.health/warning").contains("NOT FOR PRODUCTION"),
                    server);
        }
        assertTrue(r.objects().stream()
                        .allMatch(o -> "true".equals(o.getMetadata().getLabels().get("ehr.health/evaluation-mode"))),
                "every object of an evaluation install says so");
        assertEquals(5, r.all(PersistentVolumeClaim.class).size(),
                "mysql, kafka, minio, keycloak and anvil keep data when asked");
        for (String key : Renders.SERVICES.keySet()) {
            Map<String, String> env = r.named(ConfigMap.class, Renders.serviceName(key)).getData();
            assertEquals(Chart.resourceName("eval-kafka") + ":9092", env.get("EHR_KAFKA_BOOTSTRAP"), key);
            assertTrue(env.get("QUARKUS_DATASOURCE_JDBC_URL")
                    .startsWith("jdbc:mysql://" + Chart.resourceName("eval-mysql") + ":3306/"), key);
        }
    }

    @Test
    void recordsServiceIsToldHowS3ChecksItsUploads() {
        Map<String, String> byDefault = Chart.render(Renders.DEFAULTS)
                .named(ConfigMap.class, Renders.serviceName("records")).getData();
        assertEquals("crc32c", byDefault.get("EHR_S3_CHECKSUM"));
        Map<String, String> md5 = Chart.render(Renders.DEFAULTS.with("s3.checksum=md5"))
                .named(ConfigMap.class, Renders.serviceName("records")).getData();
        assertEquals("md5", md5.get("EHR_S3_CHECKSUM"), "for S3-compatible stores without flexible checksums");
    }

    @Test
    void exchangeServiceGetsItsOrganisationTheRegistryAndItsKeysFromASecret() {
        Chart.Rendered r = Chart.render(Renders.DEFAULTS.with("exchange.organizationName=hospital-b",
                "exchange.endpoint=https://ehr.hospital-b.example/exchange/v1",
                "exchange.keys.existingSecret=exchange-keys"));
        Map<String, String> config = r.named(ConfigMap.class, Renders.serviceName("exchange")).getData();
        assertEquals("hospital-b", config.get("EHR_ORGANIZATION_NAME"));
        assertEquals("https://ehr.hospital-b.example/exchange/v1", config.get("EHR_ORGANIZATION_ENDPOINT"));
        assertEquals("k1", config.get("EHR_KEK_CURRENT"), "its keys are wrapped by the key-encryption key");
        var env = r.named(Deployment.class, Renders.serviceName("exchange")).getSpec().getTemplate().getSpec()
                .getContainers().get(0).getEnv();
        for (String name : List.of("ORGANIZATION_REGISTRY", "ORGANIZATION_ID")) {
            assertTrue(env.stream().anyMatch(e -> e.getName().equals(name) && e.getValueFrom() != null
                    && e.getValueFrom().getConfigMapKeyRef() != null), name);
        }
        for (String name : List.of("EHR_EXCHANGE_SIGNING_KEY", "EHR_EXCHANGE_ENCRYPTION_KEYSET",
                "EHR_EXCHANGE_CONTROLLER_KEY")) {
            var ref = env.stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow()
                    .getValueFrom().getSecretKeyRef();
            assertEquals("exchange-keys", ref.getName(), name);
            assertTrue(ref.getOptional(), name + " is optional: a missing key is generated");
        }
        var withoutSecret = Chart.render(Renders.DEFAULTS).named(Deployment.class, Renders.serviceName("exchange"))
                .getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
        assertFalse(withoutSecret.stream().anyMatch(e -> e.getName().startsWith("EHR_EXCHANGE_")),
                "without a Secret the keys are generated and no controller key is given");
    }

    @Test
    void theChainWriterIsToldWhereFinalityComesFromAndWhichReplacedChainToAdopt() {
        Map<String, String> byDefault = Chart.render(Renders.DEFAULTS)
                .named(ConfigMap.class, Renders.serviceName("chainAnchor")).getData();
        assertEquals("auto", byDefault.get("EHR_CHAIN_FINALITY"));
        assertEquals("64", byDefault.get("EHR_CHAIN_FINALITY_DEPTH"));
        assertFalse(byDefault.containsKey("EHR_CHAIN_ADOPT"), "nothing is adopted unless the operator says so");
        String genesis = "0x" + "ab".repeat(32);
        Map<String, String> adopting = Chart.render(Renders.DEFAULTS.with("chain.finality=depth",
                "chain.finalityDepth=120", "chain.adoptGenesis=" + genesis))
                .named(ConfigMap.class, Renders.serviceName("chainAnchor")).getData();
        assertEquals("depth", adopting.get("EHR_CHAIN_FINALITY"));
        assertEquals("120", adopting.get("EHR_CHAIN_FINALITY_DEPTH"));
        assertEquals(genesis, adopting.get("EHR_CHAIN_ADOPT"));
        Map<String, String> consent = Chart.render(Renders.DEFAULTS)
                .named(ConfigMap.class, Renders.serviceName("consent")).getData();
        assertFalse(consent.containsKey("EHR_CHAIN_FINALITY"), "only the chain writer watches finality");
    }

    @Test
    void defaultInstallRunsNoEvaluationServer() {
        Chart.Rendered r = Chart.render(Renders.DEFAULTS);
        assertTrue(r.objects().stream().noneMatch(o -> o.getMetadata().getName().contains("-eval-")));
    }

    @ParameterizedTest(name = "{0} renders alone")
    @ValueSource(strings = {"identity", "records", "consent", "appointment", "notification", "chainAnchor",
        "exchange"})
    void everyServiceRendersAloneWithNothingPointingAtTheDisabledOnes(String key) {
        Chart.Rendered r = Chart.render(Renders.onlyService(key));
        String name = Renders.serviceName(key);
        assertEquals(List.of(name), r.all(Deployment.class).stream().map(d -> d.getMetadata().getName()).toList());
        assertEquals(List.of(name), r.all(Service.class).stream().map(s -> s.getMetadata().getName()).toList());
        List<String> others = Renders.SERVICES.values().stream().map(Chart::resourceName)
                .filter(n -> !n.equals(name)).toList();
        for (String other : others) {
            assertFalse(r.yaml().contains(other + ":") || r.yaml().contains("name: " + other + "\n"),
                    () -> "the render of " + key + " still refers to the disabled " + other);
        }
        Ingress ingress = r.all(Ingress.class).get(0);
        assertEquals(key.equals("exchange") ? 2 : 1, ingress.getSpec().getRules().get(0).getHttp().getPaths().size(),
                "only the enabled area is routed (exchange-service also /exchange/v1)");
    }

    @Test
    void everyObjectCarriesTheStandardKubernetesLabels() {
        Renders.all().forEach(values -> {
            for (HasMetadata o : Chart.render(values).objects()) {
                Map<String, String> labels = o.getMetadata().getLabels();
                for (String label : List.of("app.kubernetes.io/name", "app.kubernetes.io/instance",
                        "app.kubernetes.io/version", "app.kubernetes.io/managed-by", "app.kubernetes.io/component",
                        "app.kubernetes.io/part-of", "helm.sh/chart")) {
                    assertTrue(labels != null && labels.containsKey(label),
                            o.getKind() + "/" + o.getMetadata().getName() + " lacks " + label);
                }
                assertEquals(Chart.NAMESPACE, o.getMetadata().getNamespace(),
                        o.getKind() + "/" + o.getMetadata().getName());
            }
        });
    }

    @Test
    void everyValueIsDocumentedWithAParamAndKnownToTheSchema() throws IOException {
        String text = Files.readString(Chart.DIR.resolve("values.yaml"));
        Map<String, String> params = new java.util.HashMap<>();
        Matcher m = Pattern.compile("(?m)^\\s*## @param (\\S+) (?:\\[(\\w+)] )?(.+)$").matcher(text);
        while (m.find()) {
            params.put(m.group(1), m.group(2) == null ? "" : m.group(2));
        }
        JsonNode values = Manifests.yaml().readTree(text);
        JsonNode schema = Manifests.yaml().readTree(Chart.DIR.resolve("values.schema.json").toFile());
        List<String> undocumented = new ArrayList<>();
        List<String> unknownToSchema = new ArrayList<>();
        walk("", values, schema, params, undocumented, unknownToSchema);
        assertEquals(List.of(), undocumented, "values without ## @param");
        assertEquals(List.of(), unknownToSchema, "values the schema does not describe");
        for (String param : params.keySet()) {
            JsonNode node = values;
            for (String part : param.split("\\.")) {
                node = node.path(part);
            }
            assertFalse(node.isMissingNode(), "## @param " + param + " documents a value that does not exist");
        }
    }

    @Test
    void templatesAskTheServicesCatalogueInsteadOfNamingAService() throws IOException {
        Pattern named = Pattern.compile("(?:eq|ne) [$.]key\\b|\\.services\\.(?:"
                + String.join("|", Renders.SERVICES.keySet()) + ")\\b");
        List<String> found = new ArrayList<>();
        try (var files = Files.walk(Chart.DIR.resolve("templates"))) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    if (named.matcher(lines.get(i)).find()) {
                        found.add(Chart.DIR.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertEquals(List.of(), found, "a service difference belongs in a flag of its catalogue entry (_catalog.tpl)");
    }

    @Test
    void chartReadmeListsEveryParameter() throws IOException {
        String readme = Files.readString(Chart.DIR.resolve("README.md"));
        Matcher m = Pattern.compile("(?m)^\\s*## @param (\\S+) ")
                .matcher(Files.readString(Chart.DIR.resolve("values.yaml")));
        List<String> missing = new ArrayList<>();
        while (m.find()) {
            String param = m.group(1).replaceFirst("^services\\.\\w+\\.", "services.<name>.");
            if (!readme.contains("`" + param + "`")) {
                missing.add(param);
            }
        }
        assertEquals(List.of(), missing, "parameters missing from ehr-platform/README.md");
    }

    private static void walk(String path, JsonNode value, JsonNode schema, Map<String, String> params,
            List<String> undocumented, List<String> unknownToSchema) {
        if (!path.isEmpty()) {
            if (schema == null || schema.isMissingNode()) {
                unknownToSchema.add(path);
                return;
            }
            boolean documented = params.containsKey(path);
            String modifier = params.getOrDefault(path, "");
            if (!value.isObject() || value.isEmpty() || modifier.equals("object")) {
                if (!documented && !ancestorDocumented(path, params)) {
                    undocumented.add(path);
                }
                return;
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode child = schema.path("properties").path(field.getKey());
            walk(path.isEmpty() ? field.getKey() : path + "." + field.getKey(), field.getValue(),
                    child.isMissingNode() ? null : child, params, undocumented, unknownToSchema);
        }
    }

    private static boolean ancestorDocumented(String path, Map<String, String> params) {
        for (int dot = path.lastIndexOf('.'); dot > 0; dot = path.lastIndexOf('.', dot - 1)) {
            if ("object".equals(params.get(path.substring(0, dot)))) {
                return true;
            }
        }
        return false;
    }
}
