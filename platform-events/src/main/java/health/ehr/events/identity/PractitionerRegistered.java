package health.ehr.events.identity;

import health.ehr.events.EventData;
import java.time.Instant;
import java.util.UUID;

/** An administrator registered a practitioner. CloudEvents type {@code ehr.identity.PractitionerRegistered.v1}. */
public record PractitionerRegistered(
        UUID practitionerId,
        String email,
        String givenName,
        String familyName,
        String specialty,
        String organization,
        Instant registeredAt) implements EventData {

    public static final String TYPE = "ehr.identity.PractitionerRegistered.v1";

    @Override
    public String partitionKey() {
        return practitionerId.toString();
    }
}
