package health.ehr.helm;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The value combinations the suite renders, and what they contain. */
final class Renders {

    /** Values key and resource name of each platform service. */
    static final Map<String, String> SERVICES = new LinkedHashMap<>();

    static {
        SERVICES.put("identity", "identity-service");
        SERVICES.put("records", "records-service");
        SERVICES.put("consent", "consent-service");
        SERVICES.put("appointment", "appointment-service");
        SERVICES.put("notification", "notification-service");
        SERVICES.put("chainAnchor", "chain-anchor-service");
        SERVICES.put("exchange", "exchange-service");
    }

    /**
     * The Keycloak client secret each service reads at start-up (application.properties, no default outside
     * dev and test), by values key; the client id is the service's name. appointment-service and
     * chain-anchor-service call nobody with a token of their own.
     */
    static final Map<String, String> CLIENT_SECRET_ENV = Map.of(
            "identity", "EHR_IDENTITY_CLIENT_SECRET",
            "records", "EHR_RECORDS_CLIENT_SECRET",
            "consent", "EHR_CONSENT_CLIENT_SECRET",
            "notification", "EHR_NOTIFICATION_CLIENT_SECRET");

    static final Chart.Values DEFAULTS = Chart.Values.defaults();
    /** The install-time Jobs rendered as ordinary resources, so that they can be inspected. */
    static final Chart.Values DEFAULTS_WITH_JOBS =
            DEFAULTS.with("jobs.helmHooks=false").named("defaults, jobs as resources");
    /** values-production.yaml, plus the Gateway API route and ServiceMonitors without the CRD check. */
    static final Chart.Values PRODUCTION = Chart.Values.production().with(
            "jobs.helmHooks=false",
            "metrics.serviceMonitor.requireCrd=false",
            "httpRoute.enabled=true",
            "httpRoute.parentRefs[0].name=shared-gateway",
            "httpRoute.parentRefs[0].namespace=gateway-system").named("production");
    static final Chart.Values EVALUATION = DEFAULTS.with(
            "evaluation.enabled=true",
            "evaluation.persistence.enabled=true",
            "networkPolicy.enabled=true",
            "jobs.helmHooks=false").named("evaluation");

    private Renders() {
    }

    /** Production values with every service disabled but one. */
    static Chart.Values onlyService(String key) {
        List<String> set = new ArrayList<>();
        SERVICES.keySet().forEach(k -> set.add("services." + k + ".enabled=" + k.equals(key)));
        return PRODUCTION.with(set.toArray(String[]::new)).named("only " + key);
    }

    /** Every combination the suite renders. */
    static Stream<Chart.Values> all() {
        return Stream.concat(Stream.of(DEFAULTS, DEFAULTS_WITH_JOBS, PRODUCTION, EVALUATION),
                SERVICES.keySet().stream().map(Renders::onlyService));
    }

    static String serviceName(String key) {
        return Chart.resourceName(SERVICES.get(key));
    }

    /** A pod-running object and its pod template. */
    record Workload(String combination, HasMetadata owner, PodTemplateSpec template) {

        String id() {
            return owner.getKind() + "/" + owner.getMetadata().getName() + " (" + combination + ")";
        }

        List<Container> allContainers() {
            List<Container> all = new ArrayList<>(template.getSpec().getContainers());
            if (template.getSpec().getInitContainers() != null) {
                all.addAll(template.getSpec().getInitContainers());
            }
            return all;
        }

        boolean isPlatformService() {
            return SERVICES.values().stream().anyMatch(s -> owner.getMetadata().getName().equals(Chart.resourceName(s)))
                    && owner instanceof Deployment;
        }
    }

    /** Every Deployment and Job of every combination. */
    static List<Workload> workloads() {
        List<Workload> out = new ArrayList<>();
        all().forEach(values -> {
            Chart.Rendered r = Chart.render(values);
            String name = values.name();
            r.all(Deployment.class).forEach(d -> out.add(new Workload(name, d, d.getSpec().getTemplate())));
            r.all(Job.class).forEach(j -> out.add(new Workload(name, j, j.getSpec().getTemplate())));
        });
        return out;
    }
}
