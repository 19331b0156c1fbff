package health.ehr.identity.rest;

import health.ehr.identity.rest.ProfileViews.DirectoryEntry;
import health.ehr.identity.rest.ProfileViews.PatientProfile;
import health.ehr.identity.service.ProfileService;
import health.ehr.support.rest.Page;
import health.ehr.support.rest.PageRequest;
import health.ehr.support.security.Caller;
import io.quarkus.security.Authenticated;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/** The practitioner directory and patient profiles. */
@Path("/api/identity")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "jwt")
@Authenticated
public class DirectoryResource {

    private final ProfileService profiles;
    private final Caller caller;

    public DirectoryResource(ProfileService profiles, Caller caller) {
        this.profiles = profiles;
        this.caller = caller;
    }

    @GET
    @Path("/practitioners")
    @Operation(summary = "Search practitioners by name, specialty or organisation")
    public Page<DirectoryEntry> practitioners(
            @QueryParam("query") @Size(max = 100, message = "is longer than 100 characters") String query,
            @Valid @BeanParam PageRequest page) {
        return profiles.practitioners(query, page).map(DirectoryEntry::of);
    }

    @GET
    @Path("/patients/{patientId}")
    @Operation(summary = "A patient's profile: the patient, an administrator, or a grantee with active consent")
    public PatientProfile patient(@PathParam("patientId") UUID patientId,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return PatientProfile.of(profiles.patient(patientId, caller, authorization));
    }
}
