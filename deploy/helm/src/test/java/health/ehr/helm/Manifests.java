package health.ehr.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Turns rendered YAML into fabric8 Kubernetes objects, strictly: an unknown kind, an unknown field
 * anywhere (fabric8 would keep it in {@code additionalProperties}) or a scalar of the wrong type
 * fails, so a misspelt or misplaced field breaks the build rather than the install.
 */
final class Manifests {

    private static final YAMLMapper YAML = new YAMLMapper(new YAMLFactory());
    /**
     * Knows which model class serves each apiVersion and kind
     * (core, apps, networking, gateway API, monitoring ...).
     */
    private static final KubernetesSerialization REGISTRY = new KubernetesSerialization();
    /**
     * Deserialises into those classes. A plain mapper on purpose: fabric8's own mapper registers a module
     * that tolerates mismatched field types; this one fails on them, and on quoted numbers or booleans.
     */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfig(LogicalType.Integer, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Float, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Boolean, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail))
            .build();

    private Manifests() {
    }

    static List<HasMetadata> parseStrictly(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (JsonNode document : documents(yaml)) {
            String id = document.path("kind").asText("?") + "/" + document.path("metadata").path("name").asText("?");
            Class<? extends KubernetesResource> type = REGISTRY.getRegisteredKubernetesResource(
                    document.path("apiVersion").asText(), document.path("kind").asText());
            if (type == null || type == GenericKubernetesResource.class) {
                problems.add(id + ": not a kind of the Kubernetes model (apiVersion "
                        + document.path("apiVersion").asText() + ")");
                continue;
            }
            KubernetesResource parsed;
            try {
                parsed = STRICT.treeToValue(document, type);
            } catch (IOException | RuntimeException e) {
                Throwable cause = e;
                while (cause.getCause() != null) {
                    cause = cause.getCause();
                }
                problems.add(id + ": " + cause.getMessage().lines().findFirst().orElse(""));
                continue;
            }
            if (!(parsed instanceof HasMetadata object) || parsed instanceof GenericKubernetesResource) {
                problems.add(id + ": not a kind of the Kubernetes model (apiVersion "
                        + document.path("apiVersion").asText() + ")");
                continue;
            }
            List<String> unknown = new ArrayList<>();
            collectUnknownFields(object, id, unknown);
            problems.addAll(unknown);
            objects.add(object);
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("rendered manifests do not match the Kubernetes model:\n  "
                    + String.join("\n  ", problems));
        }
        return objects;
    }

    static List<JsonNode> documents(String yaml) {
        List<JsonNode> documents = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(yaml)) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode node = it.next();
                if (node != null && !node.isNull() && !node.isMissingNode()) {
                    documents.add(node);
                }
            }
        } catch (IOException e) {
            throw new AssertionError("rendered output is not YAML: " + e.getMessage(), e);
        }
        return documents;
    }

    /** Every {@code additionalProperties} entry of a fabric8 model object is a field the model does not know. */
    private static void collectUnknownFields(Object node, String path, List<String> out) {
        if (node == null) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                collectUnknownFields(item, path + "[" + i++ + "]", out);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                collectUnknownFields(e.getValue(), path + "." + e.getKey(), out);
            }
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    out.add(path + ": unknown field(s) " + extra.keySet());
                }
                continue;
            }
            String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
            collectUnknownFields(value, path + "." + field, out);
        }
    }

    static ObjectMapper yaml() {
        return YAML;
    }
}
