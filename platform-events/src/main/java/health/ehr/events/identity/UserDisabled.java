package health.ehr.events.identity;

import health.ehr.events.EventData;
import java.time.Instant;
import java.util.UUID;

/**
 * A user (patient, practitioner or clinic) was disabled and can no longer sign in. CloudEvents type
 * {@code ehr.identity.UserDisabled.v1}.
 */
public record UserDisabled(
        UUID userId,
        String role,
        Instant disabledAt) implements EventData {

    public static final String TYPE = "ehr.identity.UserDisabled.v1";

    @Override
    public String partitionKey() {
        return userId.toString();
    }
}
