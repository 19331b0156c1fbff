package health.ehr.events.identity;

import health.ehr.events.EventData;
import java.time.Instant;
import java.util.UUID;

/**
 * An administrator registered a partner clinic (a Keycloak confidential client). CloudEvents type
 * {@code ehr.identity.ClinicRegistered.v1}.
 */
public record ClinicRegistered(
        UUID clinicId,
        String name,
        String contactEmail,
        String clientId,
        Instant registeredAt) implements EventData {

    public static final String TYPE = "ehr.identity.ClinicRegistered.v1";

    @Override
    public String partitionKey() {
        return clinicId.toString();
    }
}
