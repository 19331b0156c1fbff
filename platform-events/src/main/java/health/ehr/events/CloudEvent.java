package health.ehr.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.Objects;

/**
 * A CloudEvents 1.0 envelope in its structured JSON format ({@code specversion}, {@code id},
 * {@code source}, {@code type}, {@code subject}, {@code time}, {@code datacontenttype},
 * {@code data}), the form of every message on the platform's topics.
 *
 * @param <T> the payload type, one of the records registered in {@link EventType}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"specversion", "id", "source", "type", "subject", "time", "datacontenttype", "data"})
public record CloudEvent<T>(
        String specversion,
        String id,
        String source,
        String type,
        String subject,
        Instant time,
        String datacontenttype,
        T data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String JSON = "application/json";

    public CloudEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        if (!SPEC_VERSION.equals(specversion)) {
            throw new IllegalArgumentException("unsupported CloudEvents specversion: " + specversion);
        }
    }

    /**
     * A new event with a new time-ordered id ({@link Ids}), the current time and the payload's registered type; the
     * subject is the payload's partition key.
     *
     * @param source the producing service as a URI reference, e.g. {@code /records-service}
     */
    public static <T extends EventData> CloudEvent<T> of(String source, T data) {
        EventType type = EventType.of(data.getClass());
        return new CloudEvent<>(SPEC_VERSION, Ids.timeOrdered().toString(), source, type.type(),
                data.partitionKey(), Instant.now(), JSON, data);
    }
}
