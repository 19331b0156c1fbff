package health.ehr.identity.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import health.ehr.identity.service.ProfileService.Identity;
import health.ehr.support.security.Role;
import java.util.UUID;

/** The signed-in user: the party id under the name of its role ({@code patientId}, ...). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeResponse(UUID userId, String role, String email, String givenName, String familyName,
        UUID patientId, UUID practitionerId, UUID clinicId) {

    static MeResponse of(Identity me) {
        UUID id = me.partyId();
        Role role = me.role();
        return new MeResponse(id, role == null ? null : role.claimValue(), me.email(), me.givenName(),
                me.familyName(), role == Role.PATIENT ? id : null, role == Role.PRACTITIONER ? id : null,
                role == Role.CLINIC ? id : null);
    }
}
