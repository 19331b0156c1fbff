package health.ehr.records.rest;

import health.ehr.records.rest.RecordViews.AccessView;
import health.ehr.records.rest.RecordViews.ChainCheck;
import health.ehr.records.rest.RecordViews.Rotation;
import health.ehr.records.service.AccessLog;
import health.ehr.records.service.EnvelopeCipher;
import health.ehr.records.service.KeyRotation;
import health.ehr.support.rest.DomainException;
import health.ehr.support.rest.Page;
import health.ehr.support.rest.PageRequest;
import health.ehr.support.security.Caller;
import health.ehr.support.security.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/** Who read what: the access log for patients and auditors, its chain check, and key rotation. */
@Path("/api/records")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "jwt")
public class AccessLogResource {

    private final AccessLog accessLog;
    private final KeyRotation rotation;
    private final EnvelopeCipher cipher;
    private final Caller caller;

    public AccessLogResource(AccessLog accessLog, KeyRotation rotation, EnvelopeCipher cipher, Caller caller) {
        this.accessLog = accessLog;
        this.rotation = rotation;
        this.cipher = cipher;
        this.caller = caller;
    }

    @GET
    @Path("/access-log")
    @RolesAllowed({Role.PATIENT_NAME, Role.AUDITOR_NAME})
    @Operation(summary = "Reads of a patient's records by others, newest first")
    public Page<AccessView> accessLog(@QueryParam("patientId") UUID patientId, @Valid @BeanParam PageRequest page) {
        UUID patient = patientFor(patientId);
        return accessLog.page(patient, page).map(e -> new AccessView(e.recordId, e.actorId, e.actorRole, e.action,
                e.purpose, e.at, e.emergency, e.seq, e.hash));
    }

    @GET
    @Path("/access-log/verify")
    @RolesAllowed({Role.PATIENT_NAME, Role.AUDITOR_NAME})
    @Operation(summary = "Recompute a patient's access-log hash chain; names the first broken entry")
    public ChainCheck verifyChain(@QueryParam("patientId") UUID patientId) {
        UUID patient = patientFor(patientId);
        return ChainCheck.of(patient, accessLog.verify(patient));
    }

    @POST
    @Path("/admin/key-rotation")
    @RolesAllowed(Role.ADMIN_NAME)
    @Operation(summary = "Re-wrap every data key under the current key-encryption key (ciphertext untouched)")
    public Rotation rotate() {
        return new Rotation(rotation.rotate(), cipher.currentKekId());
    }

    private UUID patientFor(UUID patientId) {
        if (caller.has(Role.AUDITOR)) {
            if (patientId == null) {
                throw DomainException.invalidField("patientId", "is required");
            }
            return patientId;
        }
        if (patientId != null && !patientId.equals(caller.partyId())) {
            throw DomainException.notFound("No access log visible to the caller.");
        }
        return caller.partyId();
    }
}
