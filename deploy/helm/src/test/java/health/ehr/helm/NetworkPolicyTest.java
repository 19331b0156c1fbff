package health.ehr.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.ehr.helm.NetworkReachability.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * With networkPolicy.enabled each pod reaches exactly what docs/architecture.md says it talks to. Checked by
 * evaluating the rendered policies (values-production.yaml: the external servers are the CIDRs there).
 */
class NetworkPolicyTest {

    private static final int HTTP = 8080;
    private static final Endpoint KAFKA = Endpoint.external("kafka", "10.20.1.7");
    private static final Endpoint MYSQL = Endpoint.external("mysql", "10.20.2.10");
    private static final Endpoint KEYCLOAK = Endpoint.external("keycloak", "10.20.3.2");
    private static final Endpoint S3 = Endpoint.external("s3", "10.20.4.3");
    private static final Endpoint ETHEREUM = Endpoint.external("ethereum", "10.30.0.5");
    private static final Endpoint SMTP = Endpoint.external("smtp", "10.20.5.25");
    private static final Endpoint INTERNET = Endpoint.external("internet", "93.184.216.34");

    private final NetworkReachability net = new NetworkReachability(Chart.render(Renders.PRODUCTION));

    private Endpoint service(String key) {
        return net.workload(Renders.serviceName(key));
    }

    @Test
    void recordsServiceMayAskConsentServiceTheConsentCheck() {
        assertTrue(net.allows(service("records"), service("consent"), HTTP));
    }

    @Test
    void consentServiceMayAskIdentityServiceForTheCustodialSignature() {
        assertTrue(net.allows(service("consent"), service("identity"), HTTP));
    }

    @Test
    void identityServiceMayAskTheConsentCheckOfItsConsentClient() {
        assertTrue(net.allows(service("identity"), service("consent"), HTTP));
    }

    @Test
    void appointmentServiceMayNotReachRecordsService() {
        assertFalse(net.allows(service("appointment"), service("records"), HTTP));
    }

    @Test
    void noOtherServiceToServiceCallIsAllowed() {
        List<String> allowed = new ArrayList<>();
        for (String from : Renders.SERVICES.keySet()) {
            for (String to : Renders.SERVICES.keySet()) {
                if (!from.equals(to) && net.allows(service(from), service(to), HTTP)) {
                    allowed.add(from + "->" + to);
                }
            }
        }
        assertEquals(List.of("identity->consent", "records->consent", "records->chainAnchor", "consent->identity",
                "notification->identity"), allowed);
    }

    @Test
    void everyServiceReachesKafkaItsDatabaseKeycloakAndDns() {
        Endpoint dns = net.podIn("kube-system", Map.of("k8s-app", "kube-dns"));
        for (String key : Renders.SERVICES.keySet()) {
            assertTrue(net.allows(service(key), KAFKA, 9093), key + " -> kafka");
            assertTrue(net.allows(service(key), MYSQL, 3306), key + " -> mysql");
            assertTrue(net.allows(service(key), KEYCLOAK, 443), key + " -> keycloak");
            assertTrue(net.allows(service(key), dns, 53, "UDP"), key + " -> dns");
            assertFalse(net.allows(service(key), INTERNET, 443), key + " -> anywhere else");
        }
    }

    @Test
    void onlyConsentChainAnchorAndExchangeServicesReachTheEthereumNode() {
        for (String key : Renders.SERVICES.keySet()) {
            assertEquals(Set.of("consent", "chainAnchor", "exchange").contains(key),
                    net.allows(service(key), ETHEREUM, 443), key);
        }
    }

    @Test
    void onlyExchangeServiceReachesThePeerInstallationsItIsGiven() {
        Endpoint peer = Endpoint.external("hospital-b", "203.0.113.7");
        for (String key : Renders.SERVICES.keySet()) {
            assertFalse(net.allows(service(key), peer, 443), key + " without exchange.peerEgress");
        }
        NetworkReachability withPeers = new NetworkReachability(Chart.render(Renders.PRODUCTION.with(
                "exchange.peerEgress.to[0].ipBlock.cidr=203.0.113.0/24")));
        for (String key : Renders.SERVICES.keySet()) {
            assertEquals(key.equals("exchange"), withPeers.allows(withPeers.workload(Renders.serviceName(key)), peer,
                    443), key);
        }
        assertFalse(withPeers.allows(withPeers.workload(Renders.serviceName("exchange")), peer, 8443),
                "only exchange.peerEgress.ports");
    }

    @Test
    void onlyRecordsServiceReachesObjectStorage() {
        for (String key : Renders.SERVICES.keySet()) {
            assertEquals(key.equals("records"), net.allows(service(key), S3, 443), key);
        }
    }

    @Test
    void onlyNotificationServiceReachesTheSmtpRelay() {
        for (String key : Renders.SERVICES.keySet()) {
            assertEquals(key.equals("notification"), net.allows(service(key), SMTP, 587), key);
        }
    }

    @Test
    void theIngressControllerReachesEveryServiceOnItsHttpPortOnly() {
        Endpoint controller = net.podIn("ingress-nginx", Map.of("app.kubernetes.io/name", "ingress-nginx"));
        Endpoint stranger = net.podIn("other-team", Map.of("app.kubernetes.io/name", "ingress-nginx"));
        for (String key : Renders.SERVICES.keySet()) {
            assertTrue(net.allows(controller, service(key), HTTP), key);
            assertFalse(net.allows(controller, service(key), 9000), key + " on another port");
            assertFalse(net.allows(stranger, service(key), HTTP), key + " from another namespace");
        }
    }

    @Test
    void prometheusScrapesEveryService() {
        Endpoint prometheus = net.podIn("monitoring", Map.of("app.kubernetes.io/name", "prometheus"));
        for (String key : Renders.SERVICES.keySet()) {
            assertTrue(net.allows(prometheus, service(key), HTTP), key);
        }
    }

    @Test
    void realmImportJobReachesOnlyKeycloak() {
        Endpoint job = net.workload(Chart.resourceName("realm-import-r1"));
        assertTrue(net.allows(job, KEYCLOAK, 443));
        assertFalse(net.allows(job, MYSQL, 3306));
        assertFalse(net.allows(job, service("identity"), HTTP));
    }

    @Test
    void inEvaluationModeEachServiceReachesOnlyTheInClusterServersItUses() {
        NetworkReachability eval = new NetworkReachability(Chart.render(Renders.EVALUATION));
        Endpoint records = eval.workload(Renders.serviceName("records"));
        Endpoint appointment = eval.workload(Renders.serviceName("appointment"));
        Endpoint minio = eval.workload(Chart.resourceName("eval-minio"));
        Endpoint anvil = eval.workload(Chart.resourceName("eval-anvil"));
        Endpoint mysql = eval.workload(Chart.resourceName("eval-mysql"));
        Endpoint anchor = eval.workload(Renders.serviceName("chainAnchor"));
        Endpoint contractsJob = eval.workload(Chart.resourceName("contracts-deploy-r1"));
        Endpoint bucketJob = eval.workload(Chart.resourceName("eval-bucket-r1"));
        assertTrue(eval.allows(records, minio, 9000));
        assertTrue(eval.allows(records, mysql, 3306));
        assertFalse(eval.allows(appointment, minio, 9000));
        assertTrue(eval.allows(anchor, anvil, 8545));
        assertFalse(eval.allows(records, anvil, 8545));
        assertTrue(eval.allows(contractsJob, anvil, 8545));
        assertTrue(eval.allows(bucketJob, minio, 9000));
        assertFalse(eval.allows(minio, mysql, 3306), "the evaluation servers call nothing but DNS");
    }

    @Test
    void policiesRefuseToRenderWhileAnExternalServerIsUnnamed() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Chart.template(Renders.DEFAULTS.with("networkPolicy.enabled=true")));
        assertTrue(e.getMessage().contains("networkPolicy.egress.kafka.to"), e.getMessage());
    }
}
