package health.ehr.helm;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Evaluates Kubernetes NetworkPolicy semantics over the rendered objects, the way a policy-enforcing
 * CNI does: a pod selected by a policy of a direction allows in that direction only what one of those
 * policies' rules allows; a connection needs the source's egress and the destination's ingress.
 */
final class NetworkReachability {

    /** Something that opens or accepts a connection: a pod of the release, a pod elsewhere, an address outside. */
    record Endpoint(String name, String namespace, Map<String, String> labels, Map<String, Integer> namedPorts,
            String ip) {

        static Endpoint pod(String name, String namespace, Map<String, String> labels) {
            return new Endpoint(name, namespace, labels, Map.of(), null);
        }

        static Endpoint external(String name, String ip) {
            return new Endpoint(name, null, Map.of(), Map.of(), ip);
        }

        boolean isPod() {
            return namespace != null;
        }
    }

    private final List<NetworkPolicy> policies;
    private final Map<String, Endpoint> workloads = new HashMap<>();
    private final Map<String, Map<String, String>> namespaceLabels = new HashMap<>();

    NetworkReachability(Chart.Rendered rendered) {
        this.policies = rendered.all(NetworkPolicy.class);
        for (Deployment d : rendered.all(Deployment.class)) {
            add(d.getMetadata().getName(), d.getSpec().getTemplate());
        }
        for (Job j : rendered.all(Job.class)) {
            add(j.getMetadata().getName(), j.getSpec().getTemplate());
        }
    }

    private void add(String name, PodTemplateSpec template) {
        Map<String, Integer> named = new HashMap<>();
        PodSpec spec = template.getSpec();
        for (Container c : spec.getContainers()) {
            for (ContainerPort p : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
                if (p.getName() != null) {
                    named.put(p.getName(), p.getContainerPort());
                }
            }
        }
        workloads.put(name, new Endpoint(name, Chart.NAMESPACE, template.getMetadata().getLabels(), named, null));
    }

    /** The pods of a rendered Deployment or Job, by its name. */
    Endpoint workload(String name) {
        return Objects.requireNonNull(workloads.get(name),
                () -> "no workload " + name + " among " + workloads.keySet());
    }

    /** A pod in another namespace, e.g. the ingress controller. */
    Endpoint podIn(String namespace, Map<String, String> labels) {
        return Endpoint.pod("pod in " + namespace, namespace, labels);
    }

    /** Can {@code from} open a TCP connection to {@code to} on {@code port}? */
    boolean allows(Endpoint from, Endpoint to, int port) {
        return allows(from, to, port, "TCP");
    }

    boolean allows(Endpoint from, Endpoint to, int port, String protocol) {
        return egressAllowed(from, to, port, protocol) && ingressAllowed(from, to, port, protocol);
    }

    private boolean egressAllowed(Endpoint from, Endpoint to, int port, String protocol) {
        if (!from.isPod() || !Chart.NAMESPACE.equals(from.namespace())) {
            return true; // only this release's namespace has policies
        }
        List<NetworkPolicy> selecting = selecting(from, "Egress");
        if (selecting.isEmpty()) {
            return true;
        }
        return selecting.stream().flatMap(p -> p.getSpec().getEgress() == null ? java.util.stream.Stream.empty()
                        : p.getSpec().getEgress().stream())
                .anyMatch(rule -> portsMatch(rule.getPorts(), to, port, protocol) && peersMatch(rule.getTo(), to));
    }

    private boolean ingressAllowed(Endpoint from, Endpoint to, int port, String protocol) {
        if (!to.isPod() || !Chart.NAMESPACE.equals(to.namespace())) {
            return true;
        }
        List<NetworkPolicy> selecting = selecting(to, "Ingress");
        if (selecting.isEmpty()) {
            return true;
        }
        return selecting.stream().flatMap(p -> p.getSpec().getIngress() == null ? java.util.stream.Stream.empty()
                        : p.getSpec().getIngress().stream())
                .anyMatch(rule -> portsMatch(rule.getPorts(), to, port, protocol) && peersMatch(rule.getFrom(), from));
    }

    private List<NetworkPolicy> selecting(Endpoint pod, String direction) {
        return policies.stream()
                .filter(p -> policyTypes(p).contains(direction))
                .filter(p -> matches(p.getSpec().getPodSelector(), pod.labels()))
                .toList();
    }

    private static List<String> policyTypes(NetworkPolicy p) {
        if (p.getSpec().getPolicyTypes() != null && !p.getSpec().getPolicyTypes().isEmpty()) {
            return p.getSpec().getPolicyTypes();
        }
        return p.getSpec().getEgress() != null ? List.of("Ingress", "Egress") : List.of("Ingress");
    }

    private static boolean portsMatch(List<NetworkPolicyPort> ports, Endpoint to, int port, String protocol) {
        if (ports == null || ports.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPort p : ports) {
            String proto = p.getProtocol() == null ? "TCP" : p.getProtocol();
            if (!proto.equals(protocol)) {
                continue;
            }
            IntOrString value = p.getPort();
            if (value == null) {
                return true;
            }
            Integer number = value.getIntVal() != null ? value.getIntVal() : to.namedPorts().get(value.getStrVal());
            int end = p.getEndPort() != null ? p.getEndPort() : (number == null ? -1 : number);
            if (number != null && port >= number && port <= end) {
                return true;
            }
        }
        return false;
    }

    private boolean peersMatch(List<NetworkPolicyPeer> peers, Endpoint other) {
        if (peers == null || peers.isEmpty()) {
            return true;
        }
        return peers.stream().anyMatch(peer -> peerMatches(peer, other));
    }

    private boolean peerMatches(NetworkPolicyPeer peer, Endpoint other) {
        if (peer.getIpBlock() != null) {
            return other.ip() != null && inBlock(other.ip(), peer.getIpBlock());
        }
        if (!other.isPod()) {
            return false;
        }
        boolean namespaceOk = peer.getNamespaceSelector() == null
                ? Chart.NAMESPACE.equals(other.namespace())
                : matches(peer.getNamespaceSelector(), labelsOfNamespace(other.namespace()));
        boolean podOk = peer.getPodSelector() == null || matches(peer.getPodSelector(), other.labels());
        return namespaceOk && podOk;
    }

    private Map<String, String> labelsOfNamespace(String namespace) {
        return namespaceLabels.computeIfAbsent(namespace, ns -> Map.of("kubernetes.io/metadata.name", ns));
    }

    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        Map<String, String> actual = labels == null ? Map.of() : labels;
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
                if (!e.getValue().equals(actual.get(e.getKey()))) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
                String value = actual.get(r.getKey());
                boolean ok = switch (r.getOperator()) {
                    case "In" -> value != null && r.getValues().contains(value);
                    case "NotIn" -> value == null || !r.getValues().contains(value);
                    case "Exists" -> actual.containsKey(r.getKey());
                    case "DoesNotExist" -> !actual.containsKey(r.getKey());
                    default -> throw new IllegalArgumentException("operator " + r.getOperator());
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean inBlock(String ip, IPBlock block) {
        if (!inCidr(ip, block.getCidr())) {
            return false;
        }
        return block.getExcept() == null || block.getExcept().stream().noneMatch(cidr -> inCidr(ip, cidr));
    }

    private static boolean inCidr(String ip, String cidr) {
        try {
            String[] parts = cidr.split("/");
            byte[] network = InetAddress.getByName(parts[0]).getAddress();
            byte[] address = InetAddress.getByName(ip).getAddress();
            if (network.length != address.length) {
                return false;
            }
            int bits = Integer.parseInt(parts[1]);
            for (int i = 0; i < network.length; i++) {
                int take = Math.max(0, Math.min(8, bits - 8 * i));
                int mask = take == 0 ? 0 : (0xFF << (8 - take)) & 0xFF;
                if ((network[i] & mask) != (address[i] & mask)) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(cidr, e);
        }
    }
}
