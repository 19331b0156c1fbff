package health.ehr.identity.rest;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.OptBoolean;
import health.ehr.identity.service.PatientAccount;
import health.ehr.identity.service.PractitionerAccount;
import health.ehr.identity.service.RegistrationService.NewClinic;
import health.ehr.identity.service.RegistrationService.NewPatient;
import health.ehr.identity.service.RegistrationService.NewPractitioner;
import health.ehr.identity.service.RegistrationService.RegisteredClinic;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Past;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.LocalDate;
import java.util.UUID;

/** The bodies and answers of the registration endpoints. */
public final class RegistrationRequests {

    private RegistrationRequests() {
    }

    /** A patient's self-registration. */
    public record PatientRegistration(
            @NotBlank(message = "is required") @Email(message = "is not an e-mail address")
            @Size(max = 254, message = "is longer than 254 characters") String email,
            @NotBlank(message = "is required") @Size(max = 128, message = "is longer than 128 characters")
            String password,
            @NotBlank(message = "is required") @Size(max = 100, message = "is longer than 100 characters")
            String givenName,
            @NotBlank(message = "is required") @Size(max = 100, message = "is longer than 100 characters")
            String familyName,
            // ISO-8601 text only: without this Jackson reads a JSON number as a day count since 1970.
            @JsonFormat(shape = JsonFormat.Shape.STRING, lenient = OptBoolean.FALSE)
            @NotNull(message = "is required") @Past(message = "must be in the past") LocalDate birthDate) {

        NewPatient toNew() {
            return new NewPatient(email, password, givenName, familyName, birthDate);
        }
    }

    /** A registered patient; {@code chainId} is the pseudonymous on-chain id. */
    public record PatientRegistered(UUID patientId, String email, String givenName, String familyName,
            String chainId, String controllerAddress) {

        static PatientRegistered of(PatientAccount a) {
            return new PatientRegistered(a.party().partyId, a.party().email, a.party().givenName,
                    a.party().familyName, a.patient().chainId, a.patient().controllerAddress);
        }
    }

    /** A practitioner's registration by an administrator. */
    public record PractitionerRegistration(
            @NotBlank(message = "is required") @Email(message = "is not an e-mail address")
            @Size(max = 254, message = "is longer than 254 characters") String email,
            @NotBlank(message = "is required") @Size(max = 128, message = "is longer than 128 characters")
            String password,
            @NotBlank(message = "is required") @Size(max = 100, message = "is longer than 100 characters")
            String givenName,
            @NotBlank(message = "is required") @Size(max = 100, message = "is longer than 100 characters")
            String familyName,
            @NotBlank(message = "is required") @Size(max = 64, message = "is longer than 64 characters")
            String licenseNumber,
            @NotBlank(message = "is required") @Size(max = 100, message = "is longer than 100 characters")
            String specialty,
            @NotBlank(message = "is required") @Size(max = 200, message = "is longer than 200 characters")
            String organization) {

        NewPractitioner toNew() {
            return new NewPractitioner(email, password, givenName, familyName, licenseNumber, specialty,
                    organization);
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

    /** A clinic's registration by an administrator. */
    public record ClinicRegistration(
            @NotBlank(message = "is required") @Size(max = 200, message = "is longer than 200 characters")
            @Pattern(regexp = "[^\\p{Cntrl}]*", message = "must not contain control characters") String name,
            @NotBlank(message = "is required") @Email(message = "is not an e-mail address")
            @Size(max = 254, message = "is longer than 254 characters") String contactEmail) {

        NewClinic toNew() {
            return new NewClinic(name, contactEmail);
        }
    }

    /** A registered clinic with its client credentials; the secret is shown this once only. */
    public record ClinicRegistered(UUID clinicId, String name, String clientId, String clientSecret) {

        static ClinicRegistered of(RegisteredClinic r) {
            return new ClinicRegistered(r.clinic().clinicId, r.clinic().name, r.clinic().clientId, r.clientSecret());
        }
    }
}
