package health.ehr.identity.rest;

import health.ehr.identity.service.PatientAccount;
import health.ehr.identity.service.PractitionerAccount;
import health.ehr.identity.service.RegistrationService.RegisteredClinic;
import java.util.UUID;

/** What the registration endpoints answer. Bodies they read: {@link RegistrationRequests}. */
public final class RegistrationViews {

    private RegistrationViews() {
    }

    /** A registered patient; {@code chainId} is the pseudonymous on-chain id. */
    public record PatientRegistered(UUID patientId, String email, String givenName, String familyName,
            String chainId, String controllerAddress) {

        static PatientRegistered of(PatientAccount a) {
            return new PatientRegistered(a.party().partyId, a.party().email, a.party().givenName,
                    a.party().familyName, a.patient().chainId, a.patient().controllerAddress);
        }
    }

    /** A registered practitioner (also the directory's entry, with e-mail). */
    public record PractitionerView(UUID practitionerId, String email, String givenName, String familyName,
            String licenseNumber, String specialty, String organization) {

        static PractitionerView of(PractitionerAccount a) {
            return new PractitionerView(a.party().partyId, a.party().email, a.party().givenName,
                    a.party().familyName, a.practitioner().licenseNumber, a.practitioner().specialty,
                    a.practitioner().organization);
        }
    }

    /** A registered clinic with its client credentials; the secret is shown this once only. */
    public record ClinicRegistered(UUID clinicId, String name, String clientId, String clientSecret) {

        static ClinicRegistered of(RegisteredClinic r) {
            return new ClinicRegistered(r.clinic().clinicId, r.clinic().name, r.clinic().clientId, r.clientSecret());
        }
    }
}
