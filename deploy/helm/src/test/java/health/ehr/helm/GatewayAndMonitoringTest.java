package health.ehr.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** One entry point routes /api/<area> to the owning service; Prometheus finds every service. */
class GatewayAndMonitoringTest {

    private static final Map<String, String> AREAS = new TreeMap<>(Map.of(
            "/api/identity", "identity-service",
            "/api/records", "records-service",
            "/api/consents", "consent-service",
            "/api/appointments", "appointment-service",
            "/api/notifications", "notification-service",
            "/api/anchors", "chain-anchor-service",
            "/api/exchange", "exchange-service",
            "/exchange/v1", "exchange-service"));

    @Test
    void ingressRoutesEveryApiAreaToItsOwningServiceOverTls() {
        Chart.Rendered r = Chart.render(Renders.PRODUCTION);
        Ingress ingress = r.all(Ingress.class).get(0);
        assertEquals("nginx", ingress.getSpec().getIngressClassName());
        assertEquals("ehr.hospital.example", ingress.getSpec().getRules().get(0).getHost());
        Map<String, String> routes = new TreeMap<>();
        for (HTTPIngressPath path : ingress.getSpec().getRules().get(0).getHttp().getPaths()) {
            assertEquals("Prefix", path.getPathType());
            routes.put(path.getPath(), path.getBackend().getService().getName());
            r.named(Service.class, path.getBackend().getService().getName());
        }
        Map<String, String> expected = new TreeMap<>();
        AREAS.forEach((path, service) -> expected.put(path, Chart.resourceName(service)));
        assertEquals(expected, routes);
        assertEquals("ehr-ehr-platform-tls", ingress.getSpec().getTls().get(0).getSecretName());
        assertEquals("hospital-ca", ingress.getMetadata().getAnnotations().get("cert-manager.io/cluster-issuer"));
        assertEquals("2g", ingress.getMetadata().getAnnotations().get("nginx.ingress.kubernetes.io/proxy-body-size"));
    }

    @Test
    void httpRouteRoutesTheSameAreasAsTheIngress() {
        HTTPRoute route = Chart.render(Renders.PRODUCTION).all(HTTPRoute.class).get(0);
        assertEquals("shared-gateway", route.getSpec().getParentRefs().get(0).getName());
        assertEquals("gateway-system", route.getSpec().getParentRefs().get(0).getNamespace());
        Map<String, String> routes = new TreeMap<>();
        route.getSpec().getRules().forEach(rule -> routes.put(rule.getMatches().get(0).getPath().getValue(),
                rule.getBackendRefs().get(0).getName()));
        Map<String, String> expected = new TreeMap<>();
        AREAS.forEach((path, service) -> expected.put(path, Chart.resourceName(service)));
        assertEquals(expected, routes);
    }

    @Test
    void noGatewayIsCreatedUnlessAsked() {
        Chart.Rendered r = Chart.render(Renders.DEFAULTS);
        assertTrue(r.all(Ingress.class).isEmpty());
        assertTrue(r.all(HTTPRoute.class).isEmpty());
    }

    @Test
    void serviceMonitorsScrapeQuarkusMetricsOfEveryService() {
        Chart.Rendered r = Chart.render(Renders.PRODUCTION);
        assertEquals(7, r.all(ServiceMonitor.class).size());
        for (ServiceMonitor sm : r.all(ServiceMonitor.class)) {
            assertEquals("/q/metrics", sm.getSpec().getEndpoints().get(0).getPath());
            assertEquals("http", sm.getSpec().getEndpoints().get(0).getPort());
            assertEquals("kube-prometheus-stack", sm.getMetadata().getLabels().get("release"));
            Service target = r.named(Service.class, sm.getMetadata().getName());
            assertTrue(NetworkReachability.matches(sm.getSpec().getSelector(), target.getMetadata().getLabels()),
                    sm.getMetadata().getName() + " selects its Service");
        }
    }

    @Test
    void serviceMonitorsWaitForTheCrdWhenTheClusterDoesNotServeIt() {
        Chart.Rendered r = Chart.render(Chart.Values.production());
        assertTrue(r.all(ServiceMonitor.class).isEmpty(), "helm template offline has no monitoring.coreos.com/v1");
    }
}
