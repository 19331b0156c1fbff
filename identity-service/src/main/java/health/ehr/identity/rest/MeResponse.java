package health.ehr.identity.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.UUID;

/** The signed-in user: the party id under the name of its role ({@code patientId}, ...). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeResponse(UUID userId, String role, String email, String givenName, String familyName,
        UUID patientId, UUID practitionerId, UUID clinicId) {
}
