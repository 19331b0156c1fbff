package health.ehr.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every pod the chart can run is hardened, probed, bounded, and never holds a credential in plain sight. */
class WorkloadHardeningTest {

    private static final Pattern SECRET_NAME = Pattern.compile("PASSWORD|PASS|SECRET|KEY|TOKEN|CREDENTIAL");
    private static final Pattern SECRET_TOKEN =
            Pattern.compile("(^|_)(PASSWORD|PASS|SECRET|KEY|TOKEN|CREDENTIALS?)(_|$)");
    private static final Pattern PRIVATE_KEY = Pattern.compile("0x[0-9a-fA-F]{64}");

    @Test
    void everyServiceAndJobPodHasAReadOnlyRootWithTmpOnAnEmptyDir() {
        List<String> problems = new ArrayList<>();
        for (Renders.Workload w : Renders.workloads()) {
            if (!w.isPlatformService() && !(w.owner() instanceof io.fabric8.kubernetes.api.model.batch.v1.Job)) {
                continue;
            }
            for (Container c : w.allContainers()) {
                SecurityContext sc = c.getSecurityContext();
                if (sc == null || !Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
                    problems.add(w.id() + " " + c.getName() + ": root file system not read-only");
                }
                boolean tmp = c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/tmp")
                        && w.template().getSpec().getVolumes().stream()
                                .anyMatch(v -> v.getName().equals(m.getName()) && v.getEmptyDir() != null));
                if (!tmp) {
                    problems.add(w.id() + " " + c.getName() + ": no emptyDir at /tmp");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyContainerOfEveryWorkloadRunsNonRootWithoutPrivilegeEscalationAndSeccomp() {
        List<String> problems = new ArrayList<>();
        for (Renders.Workload w : Renders.workloads()) {
            PodSecurityContext pod = w.template().getSpec().getSecurityContext();
            if (pod == null || !Boolean.TRUE.equals(pod.getRunAsNonRoot())
                    || pod.getSeccompProfile() == null || !"RuntimeDefault".equals(pod.getSeccompProfile().getType())) {
                problems.add(w.id() + ": pod security context lacks runAsNonRoot or seccomp RuntimeDefault");
            }
            for (Container c : w.allContainers()) {
                SecurityContext sc = c.getSecurityContext();
                if (sc == null) {
                    problems.add(w.id() + " " + c.getName() + ": no security context");
                    continue;
                }
                if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
                    problems.add(w.id() + " " + c.getName() + ": privilege escalation not forbidden");
                }
                if (!Boolean.TRUE.equals(sc.getRunAsNonRoot()) || sc.getRunAsUser() == null || sc.getRunAsUser() == 0) {
                    problems.add(w.id() + " " + c.getName() + ": may run as root");
                }
                if (Boolean.TRUE.equals(sc.getPrivileged())) {
                    problems.add(w.id() + " " + c.getName() + ": privileged");
                }
                if (sc.getCapabilities() == null || sc.getCapabilities().getDrop() == null
                        || !sc.getCapabilities().getDrop().contains("ALL")
                        || (sc.getCapabilities().getAdd() != null && !sc.getCapabilities().getAdd().isEmpty())) {
                    problems.add(w.id() + " " + c.getName() + ": capabilities not all dropped");
                }
                if (sc.getSeccompProfile() == null || !"RuntimeDefault".equals(sc.getSeccompProfile().getType())) {
                    problems.add(w.id() + " " + c.getName() + ": seccomp not RuntimeDefault");
                }
            }
            if (!Boolean.FALSE.equals(w.template().getSpec().getAutomountServiceAccountToken())) {
                problems.add(w.id() + ": mounts a service account token");
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyServiceIsProbedOnQuarkusHealthWithAStartupProbe() {
        for (Renders.Workload w : Renders.workloads()) {
            if (!w.isPlatformService()) {
                continue;
            }
            Container c = w.template().getSpec().getContainers().get(0);
            assertProbe(w.id() + " startup", c.getStartupProbe(), "/q/health/started");
            assertProbe(w.id() + " liveness", c.getLivenessProbe(), "/q/health/live");
            assertProbe(w.id() + " readiness", c.getReadinessProbe(), "/q/health/ready");
            assertTrue(c.getStartupProbe().getFailureThreshold() * c.getStartupProbe().getPeriodSeconds() >= 120,
                    w.id() + ": Flyway migrates at start-up, the startup probe must allow minutes");
        }
    }

    private static void assertProbe(String what, Probe probe, String path) {
        assertNotNull(probe, what);
        assertNotNull(probe.getHttpGet(), what);
        assertEquals(path, probe.getHttpGet().getPath(), what);
        assertEquals("http", probe.getHttpGet().getPort().getStrVal(), what);
    }

    @Test
    void everyContainerHasCpuAndMemoryRequestsAndLimits() {
        List<String> problems = new ArrayList<>();
        for (Renders.Workload w : Renders.workloads()) {
            for (Container c : w.allContainers()) {
                var r = c.getResources();
                if (r == null || r.getRequests() == null || r.getLimits() == null
                        || !r.getRequests().keySet().containsAll(Set.of("cpu", "memory"))
                        || !r.getLimits().keySet().containsAll(Set.of("cpu", "memory"))) {
                    problems.add(w.id() + " " + c.getName());
                }
            }
        }
        assertEquals(List.of(), problems, "containers without cpu and memory requests and limits");
    }

    @Test
    void noCredentialIsEverAPlainEnvironmentValue() {
        List<String> problems = new ArrayList<>();
        for (Renders.Workload w : Renders.workloads()) {
            for (Container c : w.allContainers()) {
                for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
                    boolean fromSecret = e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null;
                    if (SECRET_NAME.matcher(e.getName()).find() && !fromSecret) {
                        problems.add(w.id() + " " + c.getName() + ": " + e.getName() + " is not read from a Secret");
                    }
                    if (e.getValue() != null && PRIVATE_KEY.matcher(e.getValue()).find()) {
                        problems.add(w.id() + " " + c.getName() + ": " + e.getName() + " holds a private key");
                    }
                }
            }
        }
        Renders.all().forEach(values -> {
            for (ConfigMap cm : Chart.render(values).all(ConfigMap.class)) {
                cm.getData().forEach((k, v) -> {
                    if (SECRET_TOKEN.matcher(k).find() || PRIVATE_KEY.matcher(v).find()) {
                        problems.add("ConfigMap/" + cm.getMetadata().getName() + ": " + k);
                    }
                });
            }
        });
        assertEquals(List.of(), problems);
    }

    @Test
    void everyServiceWithAKeycloakClientReadsItsSecretFromASecretAndReachesKeycloak() {
        List<String> problems = new ArrayList<>();
        Renders.all().forEach(values -> {
            Chart.Rendered r = Chart.render(values);
            for (Deployment d : r.all(Deployment.class)) {
                String key = Renders.SERVICES.keySet().stream()
                        .filter(k -> Renders.serviceName(k).equals(d.getMetadata().getName()))
                        .findFirst().orElse(null);
                if (key == null) {
                    continue;
                }
                String id = d.getMetadata().getName() + " (" + values.name() + ")";
                List<EnvVar> env = d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
                List<String> clientSecrets = env.stream().map(EnvVar::getName)
                        .filter(n -> n.endsWith("_CLIENT_SECRET")).toList();
                String expected = Renders.CLIENT_SECRET_ENV.get(key);
                if (!clientSecrets.equals(expected == null ? List.of() : List.of(expected))) {
                    problems.add(id + ": client secrets " + clientSecrets + ", expected " + expected);
                    continue;
                }
                if (expected == null) {
                    continue;
                }
                EnvVar e = env.stream().filter(x -> x.getName().equals(expected)).findFirst().orElseThrow();
                if (e.getValue() != null || e.getValueFrom() == null || e.getValueFrom().getSecretKeyRef() == null
                        || e.getValueFrom().getSecretKeyRef().getName() == null
                        || e.getValueFrom().getSecretKeyRef().getKey() == null) {
                    problems.add(id + ": " + expected + " is not read from a Secret");
                }
                String keycloakUrl = r.named(ConfigMap.class, d.getMetadata().getName()).getData()
                        .get("EHR_KEYCLOAK_URL");
                if (keycloakUrl == null || keycloakUrl.isBlank()) {
                    problems.add(id + ": no EHR_KEYCLOAK_URL to fetch its tokens from");
                }
            }
        });
        assertEquals(List.of(), problems);
    }

    @Test
    void kafkaSaslPasswordReachesTheJaasConfigOnlyThroughSecretBackedVariables() {
        Deployment d = Chart.render(Renders.PRODUCTION).named(Deployment.class, Renders.serviceName("records"));
        List<EnvVar> env = d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
        EnvVar jaas = env.stream().filter(e -> e.getName().equals("KAFKA_SASL_JAAS_CONFIG")).findFirst().orElseThrow();
        assertTrue(jaas.getValue().contains("password=\"$(EHR_KAFKA_PASSWORD)\""), jaas.getValue());
        int jaasAt = env.indexOf(jaas);
        for (String name : List.of("EHR_KAFKA_USERNAME", "EHR_KAFKA_PASSWORD")) {
            EnvVar ref = env.stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow();
            assertEquals("ehr-kafka", ref.getValueFrom().getSecretKeyRef().getName());
            assertTrue(env.indexOf(ref) < jaasAt, name + " must be defined before it is referenced");
        }
    }

    @Test
    void existingSecretsNamedInTheValuesAreTheOnesThePodsRead() {
        Chart.Rendered r = Chart.render(Renders.PRODUCTION);
        assertEquals("ehr-database", secretOf(r, "records", "EHR_DB_PASSWORD"));
        assertEquals("ehr-s3", secretOf(r, "records", "EHR_S3_SECRET_KEY"));
        assertEquals("ehr-chain-writer", secretOf(r, "chainAnchor", "EHR_CHAIN_WRITER_KEY"));
        assertEquals("ehr-keycloak-identity-client", secretOf(r, "identity", "EHR_IDENTITY_CLIENT_SECRET"));
        assertEquals("ehr-platform-keys", secretOf(r, "identity", "EHR_KEK_K1"));
        assertEquals("ehr-platform-keys", secretOf(r, "identity", "EHR_IDENTITY_CHAIN_ID_SECRET"));
        assertEquals("ehr-smtp", secretOf(r, "notification", "QUARKUS_MAILER_PASSWORD"));
        for (String key : List.of("records", "consent", "notification")) {
            String env = Renders.CLIENT_SECRET_ENV.get(key);
            assertEquals("ehr-keycloak-service-clients", secretOf(r, key, env));
            assertEquals(Renders.SERVICES.get(key), keyOf(r, key, env), key + ": default key is the client id");
        }
    }

    private static String keyOf(Chart.Rendered r, String service, String env) {
        return r.named(Deployment.class, Renders.serviceName(service)).getSpec().getTemplate().getSpec()
                .getContainers().get(0)
                .getEnv().stream().filter(e -> e.getName().equals(env)).findFirst().orElseThrow()
                .getValueFrom().getSecretKeyRef().getKey();
    }

    private static String secretOf(Chart.Rendered r, String service, String env) {
        return r.named(Deployment.class, Renders.serviceName(service)).getSpec().getTemplate().getSpec()
                .getContainers().get(0)
                .getEnv().stream().filter(e -> e.getName().equals(env)).findFirst()
                .orElseThrow(() -> new AssertionError(service + " has no " + env))
                .getValueFrom().getSecretKeyRef().getName();
    }

    @Test
    void onlyChainAnchorServiceHoldsTheChainWriterKey() {
        for (Renders.Workload w : Renders.workloads()) {
            boolean holds = w.allContainers().stream()
                    .flatMap(c -> c.getEnv() == null ? java.util.stream.Stream.empty() : c.getEnv().stream())
                    .anyMatch(e -> e.getName().equals("EHR_CHAIN_WRITER_KEY"));
            assertEquals(w.owner().getMetadata().getName().equals(Renders.serviceName("chainAnchor")), holds, w.id());
        }
    }

    @Test
    void chainAnchorServiceRunsExactlyOneWriterWhileTheOtherServicesScale() {
        Chart.Rendered r = Chart.render(Renders.PRODUCTION);
        Deployment anchor = r.named(Deployment.class, Renders.serviceName("chainAnchor"));
        assertEquals(1, anchor.getSpec().getReplicas());
        assertEquals("Recreate", anchor.getSpec().getStrategy().getType());
        assertNull(anchor.getSpec().getStrategy().getRollingUpdate());
        List<String> scaled = r.all(HorizontalPodAutoscaler.class).stream()
                .map(h -> h.getSpec().getScaleTargetRef().getName()).toList();
        List<String> budgeted = r.all(PodDisruptionBudget.class).stream().map(p -> p.getMetadata().getName()).toList();
        for (String key : Renders.SERVICES.keySet()) {
            String name = Renders.serviceName(key);
            assertEquals(!key.equals("chainAnchor"), scaled.contains(name), name + " autoscaling");
            assertEquals(!key.equals("chainAnchor"), budgeted.contains(name), name + " disruption budget");
            Deployment d = r.named(Deployment.class, name);
            if (!key.equals("chainAnchor")) {
                assertNull(d.getSpec().getReplicas(), name + ": the autoscaler owns the replica count");
                assertEquals("RollingUpdate", d.getSpec().getStrategy().getType());
            }
        }
    }

    @Test
    void replicasAreSpreadOverNodesAndZones() {
        for (Renders.Workload w : Renders.workloads()) {
            if (!w.isPlatformService()) {
                continue;
            }
            var spec = w.template().getSpec();
            assertNotNull(spec.getAffinity().getPodAntiAffinity(), w.id());
            assertEquals(Set.of("topology.kubernetes.io/zone", "kubernetes.io/hostname"),
                    Set.copyOf(spec.getTopologySpreadConstraints().stream().map(t -> t.getTopologyKey()).toList()),
                    w.id());
        }
    }

    @Test
    void servicesWriteOnlyToTheirTmpVolume() {
        for (Renders.Workload w : Renders.workloads()) {
            if (!w.isPlatformService()) {
                continue;
            }
            Container c = w.template().getSpec().getContainers().get(0);
            for (VolumeMount m : c.getVolumeMounts()) {
                Volume v = w.template().getSpec().getVolumes().stream()
                        .filter(x -> x.getName().equals(m.getName())).findFirst().orElseThrow();
                assertTrue(m.getMountPath().equals("/tmp") || Boolean.TRUE.equals(m.getReadOnly()),
                        w.id() + ": " + m.getMountPath() + " (" + v.getName() + ") is writable");
            }
            assertFalse(c.getEnv().stream().anyMatch(e -> e.getName().equals("QUARKUS_HTTP_PORT")),
                    "the port comes from the ConfigMap, once");
        }
    }
}
