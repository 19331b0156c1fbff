package health.ehr.identity.rest;

import health.ehr.identity.rest.RegistrationRequests.ClinicRegistration;
import health.ehr.identity.rest.RegistrationRequests.PatientRegistration;
import health.ehr.identity.rest.RegistrationRequests.PractitionerRegistration;
import health.ehr.identity.rest.RegistrationViews.ClinicRegistered;
import health.ehr.identity.rest.RegistrationViews.PatientRegistered;
import health.ehr.identity.rest.RegistrationViews.PractitionerView;
import health.ehr.identity.service.RegistrationService;
import health.ehr.support.security.Role;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.jboss.resteasy.reactive.ResponseStatus;

/** Registration of patients (self-service), practitioners and clinics (by an administrator). */
@Path("/api/identity")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class RegistrationResource {

    private final RegistrationService registrations;

    public RegistrationResource(RegistrationService registrations) {
        this.registrations = registrations;
    }

    @POST
    @Path("/patients")
    @PermitAll
    @ResponseStatus(201)
    @Operation(summary = "A patient registers themselves; 409 if the e-mail is taken")
    public PatientRegistered registerPatient(@Valid @NotNull(message = "a body is required") PatientRegistration body) {
        return PatientRegistered.of(registrations.registerPatient(body.toNew()));
    }

    @POST
    @Path("/practitioners")
    @RolesAllowed(Role.ADMIN_NAME)
    @ResponseStatus(201)
    @SecurityRequirement(name = "jwt")
    @Operation(summary = "An administrator registers a practitioner")
    public PractitionerView registerPractitioner(
            @Valid @NotNull(message = "a body is required") PractitionerRegistration body) {
        return PractitionerView.of(registrations.registerPractitioner(body.toNew()));
    }

    @POST
    @Path("/clinics")
    @RolesAllowed(Role.ADMIN_NAME)
    @ResponseStatus(201)
    @SecurityRequirement(name = "jwt")
    @Operation(summary = "An administrator registers a partner clinic; its client secret is shown once")
    public ClinicRegistered registerClinic(@Valid @NotNull(message = "a body is required") ClinicRegistration body) {
        return ClinicRegistered.of(registrations.registerClinic(body.toNew()));
    }
}
