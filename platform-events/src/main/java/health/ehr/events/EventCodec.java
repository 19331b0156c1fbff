package health.ehr.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * Writes and reads {@link CloudEvent}s as CloudEvents structured JSON (UTF-8 bytes, the Kafka
 * value format). Reading resolves {@code data} to the payload record registered for the event's
 * {@code type}; an unknown type or a malformed envelope is an {@link InvalidEventException}, which
 * consumers send to the topic's dead-letter queue.
 */
public final class EventCodec {

    private final ObjectMapper mapper;

    public EventCodec() {
        this(new ObjectMapper());
    }

    /** Uses a copy of {@code mapper} configured for the CloudEvents JSON format. */
    public EventCodec(ObjectMapper mapper) {
        this.mapper = mapper.copy()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** The event as CloudEvents structured JSON. */
    public byte[] write(CloudEvent<?> event) {
        try {
            return mapper.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event " + event.id() + " cannot be serialised", e);
        }
    }

    /**
     * The envelope's {@code type}, read without decoding the rest (a streaming look at the top-level
     * attributes, which stops at {@code type}): consumers use it to skip events no handler wants without
     * paying for a full decode. Empty when the bytes are not a JSON object with a textual {@code type};
     * {@link #read} then says what is wrong.
     */
    public Optional<String> peekType(byte[] json) {
        try (JsonParser parser = mapper.getFactory().createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("type".equals(field)) {
                    return value == JsonToken.VALUE_STRING ? Optional.of(parser.getText()) : Optional.empty();
                }
                parser.skipChildren();
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Reads an envelope and its payload, typed by the envelope's {@code type}. */
    public CloudEvent<EventData> read(byte[] json) {
        JsonNode node;
        try {
            node = mapper.readTree(new String(json, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new InvalidEventException("not a CloudEvents JSON object", null);
        }
        String type = text(node, "type");
        EventType eventType = EventType.fromType(type)
                .orElseThrow(() -> new InvalidEventException("unknown event type: " + type, null));
        try {
            EventData data = mapper.treeToValue(node.get("data"), eventType.payload());
            if (data == null) {
                throw new InvalidEventException("event " + text(node, "id") + " has no data", null);
            }
            Instant time = node.hasNonNull("time") ? Instant.parse(node.get("time").asText()) : null;
            return new CloudEvent<>(text(node, "specversion"), text(node, "id"), text(node, "source"),
                    type, node.path("subject").asText(null), time,
                    node.path("datacontenttype").asText(null), data);
        } catch (JsonProcessingException | RuntimeException e) {
            if (e instanceof InvalidEventException invalid) {
                throw invalid;
            }
            throw new InvalidEventException("malformed " + type + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new InvalidEventException("missing CloudEvents attribute '" + field + "'", null);
        }
        return value.asText();
    }
}
