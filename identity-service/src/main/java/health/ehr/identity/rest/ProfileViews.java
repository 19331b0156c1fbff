package health.ehr.identity.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import health.ehr.identity.service.PatientAccount;
import health.ehr.identity.service.ProfileService.Identity;
import health.ehr.identity.service.ProfileService.ListedPractitioner;
import health.ehr.identity.service.ProfileService.PartyDetails;
import health.ehr.support.security.Role;
import java.time.LocalDate;
import java.util.UUID;

/** What identity-service's profile and directory endpoints answer (they read no bodies). */
public final class ProfileViews {

    private ProfileViews() {
    }

    /** A practitioner as the directory shows them to any signed-in user. */
    public record DirectoryEntry(UUID practitionerId, String givenName, String familyName, String specialty,
            String organization) {

        static DirectoryEntry of(ListedPractitioner p) {
            return new DirectoryEntry(p.practitionerId(), p.givenName(), p.familyName(), p.specialty(),
                    p.organization());
        }
    }

    /** A patient's profile, for the patient, administrators and grantees with consent. */
    public record PatientProfile(UUID patientId, String email, String givenName, String familyName,
            LocalDate birthDate, String chainId, String controllerAddress) {

        static PatientProfile of(PatientAccount a) {
            return new PatientProfile(a.party().partyId, a.party().email, a.party().givenName,
                    a.party().familyName, a.patient().birthDate, a.patient().chainId, a.patient().controllerAddress);
        }
    }

    /**
     * A party as other platform services need it (internal): its contact, its chain id and, for a
     * patient, the controller address that PatientRegistry names.
     */
    public record PartyView(UUID partyId, String role, String email, String givenName, String familyName,
            String chainId, String controllerAddress) {

        static PartyView of(PartyDetails d) {
            return new PartyView(d.party().partyId, d.party().role, d.party().email, d.party().givenName,
                    d.party().familyName, d.chainId(), d.controllerAddress());
        }
    }

    /** The signed-in user: the party id under the name of its role ({@code patientId}, ...). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MeView(UUID userId, String role, String email, String givenName, String familyName,
            UUID patientId, UUID practitionerId, UUID clinicId) {

        static MeView of(Identity me) {
            UUID id = me.partyId();
            Role role = me.role();
            return new MeView(id, role == null ? null : role.claimValue(), me.email(), me.givenName(),
                    me.familyName(), role == Role.PATIENT ? id : null, role == Role.PRACTITIONER ? id : null,
                    role == Role.CLINIC ? id : null);
        }
    }
}
