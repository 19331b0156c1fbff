package health.ehr.events.consent;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.UUID;

/**
 * What a consent covers: some record categories, some records, or everything ({@code all}).
 * Exactly one of the three is set.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConsentScope(List<String> categories, List<UUID> recordIds, Boolean all) {

    /** A scope over every record of the patient. */
    public static ConsentScope everything() {
        return new ConsentScope(null, null, Boolean.TRUE);
    }
}
