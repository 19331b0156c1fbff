package health.ehr.identity.rest;

import java.time.LocalDate;
import java.util.UUID;

/** Read models of identity-service's query endpoints. */
public final class ProfileViews {

    private ProfileViews() {
    }

    /** A practitioner as the directory shows them to any signed-in user. */
    public record DirectoryEntry(UUID practitionerId, String givenName, String familyName, String specialty,
            String organization) {
    }

    /** A patient's profile, for the patient, administrators and grantees with consent. */
    public record PatientProfile(UUID patientId, String email, String givenName, String familyName,
            LocalDate birthDate, String chainId, String controllerAddress) {
    }

    /**
     * A party as other platform services need it (internal): its contact, its chain id and, for a
     * patient, the controller address that PatientRegistry names.
     */
    public record PartyView(UUID partyId, String role, String email, String givenName, String familyName,
            String chainId, String controllerAddress) {
    }
}
