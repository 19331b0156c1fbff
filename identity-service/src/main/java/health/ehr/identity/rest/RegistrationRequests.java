package health.ehr.identity.rest;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.OptBoolean;
import health.ehr.identity.service.RegistrationService.NewClinic;
import health.ehr.identity.service.RegistrationService.NewPatient;
import health.ehr.identity.service.RegistrationService.NewPractitioner;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Past;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.LocalDate;

/** The bodies the registration endpoints read. Answers: {@link RegistrationViews}. */
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
}
