package health.ehr.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The install-time Jobs: contracts deployed once with their addresses recorded, the realm imported. */
class InstallJobsTest {

    private static final String CONTRACTS = Chart.resourceName("contracts");
    private static final List<String> ADDRESS_KEYS = List.of(
            "EHR_CONTRACTS_PATIENT_REGISTRY", "EHR_CONTRACTS_CONSENT_REGISTRY", "EHR_CONTRACTS_ANCHOR_REGISTRY");

    @Test
    void jobsAreHelmHooksByDefaultAndOrdinaryResourcesWhenAsked() {
        assertTrue(Chart.render(Renders.DEFAULTS).all(Job.class).isEmpty(),
                "hooks are not part of the release manifest");
        Set<String> jobs = Chart.render(Renders.DEFAULTS_WITH_JOBS).all(Job.class).stream()
                .map(j -> j.getMetadata().getName()).collect(Collectors.toSet());
        assertEquals(Set.of(Chart.resourceName("contracts-deploy-r1"), Chart.resourceName("realm-import-r1")), jobs);
    }

    @Test
    void contractsJobMayOnlyReadAndPatchTheAddressesConfigMap() {
        Chart.Rendered r = Chart.render(Renders.DEFAULTS_WITH_JOBS);
        Role role = r.named(Role.class, Chart.resourceName("contracts-deploy"));
        assertEquals(1, role.getRules().size());
        PolicyRule rule = role.getRules().get(0);
        assertEquals(List.of(""), rule.getApiGroups());
        assertEquals(List.of("configmaps"), rule.getResources());
        assertEquals(List.of(CONTRACTS), rule.getResourceNames());
        assertEquals(Set.of("get", "patch"), Set.copyOf(rule.getVerbs()));
        ConfigMap addresses = r.named(ConfigMap.class, CONTRACTS);
        assertEquals("keep", addresses.getMetadata().getAnnotations().get("helm.sh/resource-policy"),
                "recorded addresses survive an uninstall");
        assertTrue(addresses.getData() == null || addresses.getData().isEmpty(),
                "the Job, not Helm, owns the addresses");
    }

    @Test
    void contractsJobDeploysWithTheDeployerKeyAndRecordsTheDeployerOutput() {
        Job job = Chart.render(Renders.DEFAULTS_WITH_JOBS).named(Job.class, Chart.resourceName("contracts-deploy-r1"));
        var spec = job.getSpec().getTemplate().getSpec();
        assertEquals(List.of("previous", "deploy"), spec.getInitContainers().stream().map(Container::getName).toList());
        Container deploy = spec.getInitContainers().get(1);
        assertEquals(List.of("contracts/scripts/deploy", "/work/contracts.env"),
                deploy.getCommand().subList(deploy.getCommand().size() - 2, deploy.getCommand().size()));
        Map<String, EnvVar> env = deploy.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertTrue(env.keySet().containsAll(Set.of("EHR_CHAIN_RPC_URL", "EHR_CHAIN_ID", "EHR_CHAIN_WRITER_ADDRESS",
                "EHR_CHAIN_DEPLOYER_KEY")));
        assertEquals("chain-deployer-key", env.get("EHR_CHAIN_DEPLOYER_KEY").getValueFrom().getSecretKeyRef().getKey());
        String record = String.join(" ", spec.getContainers().get(0).getCommand());
        assertTrue(record.contains("kubectl create configmap " + CONTRACTS + " --from-env-file=/work/contracts.env"),
                record);
        assertEquals(Chart.resourceName("contracts-deploy"), spec.getServiceAccountName());
    }

    @Test
    void contractsJobAdmitsThisInstallationToTheNetworkAndRecordsItsIds() {
        Job job = Chart.render(Renders.DEFAULTS_WITH_JOBS).named(Job.class, Chart.resourceName("contracts-deploy-r1"));
        var spec = job.getSpec().getTemplate().getSpec();
        Map<String, EnvVar> env = spec.getInitContainers().get(1).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertEquals("hospital-a", env.get("EHR_ORGANIZATION_NAME").getValue());
        assertFalse(env.containsKey("EHR_ORGANIZATION_REGISTRY"), "empty = reuse the recorded registry or deploy");
        String record = String.join(" ", spec.getContainers().get(0).getCommand());
        assertTrue(record.contains("ORGANIZATION_REGISTRY ORGANIZATION_ID"), record);

        Job member = Chart.render(Renders.DEFAULTS_WITH_JOBS.with("exchange.organizationName=hospital-b",
                "exchange.endpoint=https://ehr.hospital-b.example/exchange/v1",
                "exchange.organizationRegistry=0x00000000000000000000000000000000000000aa").named("member"))
                .named(Job.class, Chart.resourceName("contracts-deploy-r1"));
        Map<String, EnvVar> memberEnv = member.getSpec().getTemplate().getSpec().getInitContainers().get(1).getEnv()
                .stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertEquals("hospital-b", memberEnv.get("EHR_ORGANIZATION_NAME").getValue());
        assertEquals("https://ehr.hospital-b.example/exchange/v1",
                memberEnv.get("EHR_ORGANIZATION_ENDPOINT").getValue());
        assertEquals("0x00000000000000000000000000000000000000aa",
                memberEnv.get("EHR_ORGANIZATION_REGISTRY").getValue());
    }

    @Test
    void preDeployedContractsRecordTheGivenOrganizationRegistryAndId() {
        String id = "0x" + "ab".repeat(32);
        Chart.Rendered r = Chart.render(Renders.PRODUCTION.with(
                "exchange.organizationRegistry=0x00000000000000000000000000000000000000aa",
                "exchange.organizationId=" + id).named("production, network given"));
        Map<String, String> data = r.named(ConfigMap.class, CONTRACTS).getData();
        assertEquals("0x00000000000000000000000000000000000000aa", data.get("ORGANIZATION_REGISTRY"));
        assertEquals(id, data.get("ORGANIZATION_ID"));
    }

    @Test
    void servicesThatUseTheContractsWaitForTheRecordedAddresses() {
        Chart.Rendered r = Chart.render(Renders.DEFAULTS);
        for (String key : Renders.SERVICES.keySet()) {
            List<EnvVar> env = r.named(Deployment.class, Renders.serviceName(key)).getSpec().getTemplate().getSpec()
                    .getContainers().get(0).getEnv();
            List<EnvVar> refs = env.stream().filter(e -> ADDRESS_KEYS.contains(e.getName())).toList();
            boolean uses = Set.of("identity", "consent", "chainAnchor", "exchange").contains(key);
            assertEquals(uses ? 3 : 0, refs.size(), key);
            for (EnvVar e : refs) {
                assertEquals(CONTRACTS, e.getValueFrom().getConfigMapKeyRef().getName());
                assertFalse(Boolean.TRUE.equals(e.getValueFrom().getConfigMapKeyRef().getOptional()),
                        "a pod must not start without the addresses");
            }
        }
    }

    @Test
    void preDeployedContractAddressesSkipTheJob() {
        Chart.Rendered r = Chart.render(Renders.PRODUCTION);
        assertTrue(r.all(Job.class).stream().noneMatch(j -> j.getMetadata().getName().contains("contracts-deploy")));
        Map<String, String> data = r.named(ConfigMap.class, CONTRACTS).getData();
        assertEquals("0x0000000000000000000000000000000000001001", data.get("EHR_CONTRACTS_PATIENT_REGISTRY"));
        assertEquals(Set.copyOf(ADDRESS_KEYS), data.keySet());
    }

    @Test
    void realmImportLeavesOutSeedPeopleAndLocalClientSecretsOutsideEvaluation() throws IOException {
        JsonNode realm = importedRealm(Chart.render(Renders.PRODUCTION));
        for (JsonNode user : realm.path("users")) {
            assertTrue(user.hasNonNull("serviceAccountClientId"),
                    "seed user imported: " + user.path("username").asText());
        }
        for (JsonNode client : realm.path("clients")) {
            assertFalse(client.has("secret"), "local-only secret of " + client.path("clientId").asText() + " imported");
            if (client.path("clientId").asText().equals("ehr-portal")) {
                assertFalse(client.path("directAccessGrantsEnabled").asBoolean());
                assertEquals("https://portal.hospital.example/*", client.path("redirectUris").get(0).asText());
            }
        }
        Job job = Chart.render(Renders.PRODUCTION).named(Job.class, Chart.resourceName("realm-import-r1"));
        Map<String, EnvVar> env = job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertEquals("ehr-keycloak-admin", env.get("KC_CLI_PASSWORD").getValueFrom().getSecretKeyRef().getName());
        assertEquals("ehr-keycloak-identity-client",
                env.get("IDENTITY_CLIENT_SECRET").getValueFrom().getSecretKeyRef().getName());
        assertEquals("SKIP", env.get("IF_RESOURCE_EXISTS").getValue());
    }

    @Test
    void realmImportSetsEveryEnabledServiceClientsSecretFromTheSecretTheServiceReads() {
        Chart.Rendered r = Chart.render(Renders.PRODUCTION);
        Container job = realmJob(r, "production");
        String script = String.join("\n", job.getCommand());
        Map<String, EnvVar> env = job.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        for (var client : Renders.CLIENT_SECRET_ENV.entrySet()) {
            String jobEnv = client.getValue().substring("EHR_".length());
            EnvVar e = env.get(jobEnv);
            assertTrue(e != null && e.getValue() == null && e.getValueFrom().getSecretKeyRef() != null,
                    client.getKey() + ": " + jobEnv);
            EnvVar service = r.named(Deployment.class, Renders.serviceName(client.getKey())).getSpec().getTemplate()
                    .getSpec().getContainers().get(0).getEnv().stream()
                    .filter(x -> x.getName().equals(client.getValue())).findFirst().orElseThrow();
            assertEquals(service.getValueFrom().getSecretKeyRef(), e.getValueFrom().getSecretKeyRef(),
                    client.getKey() + ": Keycloak and the service must get the same secret");
            String clientId = Renders.SERVICES.get(client.getKey());
            assertTrue(script.contains("set_client_secret " + clientId + " \"$" + jobEnv + "\""),
                    clientId + " not set:\n" + script);
        }
    }

    @Test
    void realmImportOnlyTouchesTheClientsOfEnabledServices() {
        for (String key : Renders.SERVICES.keySet()) {
            Container job = realmJob(Chart.render(Renders.onlyService(key)), "only " + key);
            Set<String> secrets = job.getEnv().stream().map(EnvVar::getName)
                    .filter(n -> n.endsWith("_CLIENT_SECRET") && !n.equals("IDENTITY_CLIENT_SECRET"))
                    .collect(Collectors.toSet());
            String own = Renders.CLIENT_SECRET_ENV.get(key);
            Set<String> expected = own == null || key.equals("identity")
                    ? Set.of() : Set.of(own.substring("EHR_".length()));
            assertEquals(expected, secrets, key);
        }
    }

    private static Container realmJob(Chart.Rendered r, String combination) {
        return r.all(Job.class).stream()
                .filter(j -> j.getMetadata().getName().startsWith(Chart.resourceName("realm-import")))
                .findFirst().orElseThrow(() -> new AssertionError("no realm import Job (" + combination + ")"))
                .getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    @Test
    void evaluationModeImportsTheWholeRealmAndHandsItsClientSecretToIdentityService() throws IOException {
        Chart.Rendered r = Chart.render(Renders.EVALUATION);
        JsonNode realm = importedRealm(r);
        List<String> users = StreamSupport.stream(realm.path("users").spliterator(), false)
                .map(u -> u.path("username").asText()).toList();
        assertTrue(users.contains("admin@ehr.local"), users::toString);
        String fromRealm = StreamSupport.stream(realm.path("clients").spliterator(), false)
                .filter(c -> c.path("clientId").asText().equals("identity-service")).findFirst().orElseThrow()
                .path("secret").asText();
        Secret credentials = r.named(Secret.class, Chart.resourceName("credentials"));
        assertEquals(fromRealm, decode(credentials.getData().get("keycloak-identity-client-secret")));
        for (var client : Renders.CLIENT_SECRET_ENV.entrySet()) {
            String clientId = Renders.SERVICES.get(client.getKey());
            String local = StreamSupport.stream(realm.path("clients").spliterator(), false)
                    .filter(c -> c.path("clientId").asText().equals(clientId)).findFirst().orElseThrow()
                    .path("secret").asText();
            assertEquals(clientId + "-local-secret", local, "the realm file's local-only secret");
            var ref = r.named(Deployment.class, Renders.serviceName(client.getKey())).getSpec().getTemplate().getSpec()
                    .getContainers().get(0).getEnv().stream().filter(e -> e.getName().equals(client.getValue()))
                    .findFirst().orElseThrow().getValueFrom().getSecretKeyRef();
            assertEquals(Chart.resourceName("credentials"), ref.getName(), clientId);
            assertEquals(local, decode(credentials.getData().get(ref.getKey())),
                    clientId + ": service and realm agree");
        }
    }

    @Test
    void chartRealmFileEqualsTheRealmDefinition() throws IOException {
        Path source = Path.of(System.getProperty("ehr.realm.source", "../keycloak/ehr-realm.json"))
                .toAbsolutePath().normalize();
        assumeTrue(Files.exists(source), () -> "SKIPPED ONLY THIS COMPARISON: " + source + " does not exist yet");
        List<String> expected = Files.readAllLines(source);
        List<String> actual = Files.readAllLines(Chart.DIR.resolve("files/ehr-realm.json"));
        int line = 0;
        while (line < Math.min(expected.size(), actual.size()) && expected.get(line).equals(actual.get(line))) {
            line++;
        }
        assertTrue(line == expected.size() && line == actual.size(),
                "deploy/helm/ehr-platform/files/ehr-realm.json differs from deploy/keycloak/ehr-realm.json at line "
                        + (line + 1) + "; copy it: cp deploy/keycloak/ehr-realm.json deploy/helm/ehr-platform/files/");
    }

    private static JsonNode importedRealm(Chart.Rendered r) throws IOException {
        Secret secret = r.named(Secret.class, Chart.resourceName("realm-import"));
        return Manifests.yaml().readTree(decode(secret.getData().get("ehr-realm.json")));
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
