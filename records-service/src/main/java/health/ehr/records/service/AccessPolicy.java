package health.ehr.records.service;

import health.ehr.records.MedicalRecord;
import health.ehr.records.client.ConsentGate;
import health.ehr.records.repository.EmergencyGrantRepository;
import health.ehr.support.rest.DomainException;
import health.ehr.support.security.Caller;
import health.ehr.support.security.Role;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.UUID;

/**
 * Who may touch a record: the patient always; a practitioner or clinic only with an active consent
 * covering the record (or its category), or a practitioner with an unexpired emergency grant for it.
 * Everyone else learns nothing, not even that the record exists (404).
 */
@ApplicationScoped
public class AccessPolicy {

    private final ConsentGate consents;
    private final EmergencyGrantRepository emergencies;

    public AccessPolicy(ConsentGate consents, EmergencyGrantRepository emergencies) {
        this.consents = consents;
        this.emergencies = emergencies;
    }

    /** How the caller reaches a record; {@code owner} reads are not logged. */
    public record Access(boolean owner, boolean emergency, String role) {
    }

    /** The caller's access to {@code record}, or a 404/403/503 problem. */
    public Access require(Caller caller, MedicalRecord record) {
        UUID me = caller.partyId();
        if (caller.has(Role.PATIENT) && record.patientId.equals(me)) {
            return new Access(true, false, Role.PATIENT_NAME);
        }
        if (caller.has(Role.PRACTITIONER) || caller.has(Role.CLINIC)) {
            String role = caller.has(Role.PRACTITIONER) ? Role.PRACTITIONER_NAME : Role.CLINIC_NAME;
            // The local emergency grant first: it must work even while consent-service is away.
            if (caller.has(Role.PRACTITIONER) && emergencies.count(
                    "recordId = ?1 AND practitionerId = ?2 AND grantedUntil > ?3", record.recordId, me,
                    Instant.now()) > 0) {
                return new Access(false, true, role);
            }
            if (consented(record.patientId, me, record.category, record.recordId)) {
                return new Access(false, false, role);
            }
            throw DomainException.forbidden("No active consent covers this record.");
        }
        throw DomainException.notFound("No record " + record.recordId + ".");
    }

    /** Whether a practitioner or clinic may upload a record of {@code category} for {@code patientId}. */
    public boolean mayUpload(Caller caller, UUID patientId, String category) {
        UUID me = caller.partyId();
        if (caller.has(Role.PATIENT)) {
            return patientId.equals(me);
        }
        if (caller.has(Role.PRACTITIONER) || caller.has(Role.CLINIC)) {
            return consented(patientId, me, category, null);
        }
        return false;
    }

    /** Whether a grantee holds any consent of the patient for {@code category} (null: any). */
    public boolean consented(UUID patientId, UUID granteeId, String category, UUID recordId) {
        try {
            return consents.permitted(patientId, granteeId, category, recordId);
        } catch (ConsentGate.ConsentUnavailableException e) {
            throw new DomainException(Response.Status.SERVICE_UNAVAILABLE, "consent-unavailable",
                    "The consent check is unavailable; access is refused until it answers.");
        }
    }
}
