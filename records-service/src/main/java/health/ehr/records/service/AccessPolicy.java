package health.ehr.records.service;

import health.ehr.records.MedicalRecord;
import health.ehr.records.RecordCategory;
import health.ehr.records.client.ConsentGate;
import health.ehr.records.repository.EmergencyGrantRepository;
import health.ehr.records.repository.MedicalRecordRepository;
import health.ehr.support.rest.DomainException;
import health.ehr.support.security.Caller;
import health.ehr.support.security.Role;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Who may touch a record: the patient always; a practitioner or clinic only with an active consent
 * covering the record (or its category), or a practitioner with an unexpired emergency grant for it.
 * Everyone else learns nothing, not even that the record exists (404). The same rules decide what
 * a record list shows ({@link #listsOwn}, {@link #listable}).
 */
@ApplicationScoped
public class AccessPolicy {

    private final ConsentGate consents;
    private final EmergencyGrantRepository emergencies;
    private final MedicalRecordRepository records;

    public AccessPolicy(ConsentGate consents, EmergencyGrantRepository emergencies, MedicalRecordRepository records) {
        this.consents = consents;
        this.emergencies = emergencies;
        this.records = records;
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

    /**
     * Whether {@code caller} lists {@code patientId}'s records as that patient (false: as a grantee);
     * 404 for a caller who may list no one's records.
     */
    public boolean listsOwn(Caller caller, UUID patientId) {
        boolean owner = caller.has(Role.PATIENT) && patientId.equals(caller.partyId());
        if (!owner && !(caller.has(Role.PRACTITIONER) || caller.has(Role.CLINIC))) {
            throw DomainException.notFound("No records visible to the caller.");
        }
        return owner;
    }

    /**
     * What of a patient's records (of {@code category}, null: any) a grantee may list, worked out from
     * a handful of consent checks, not one per record: one for any consent at all, one per category
     * (covered whole by an {@code all} or a category scope); only records of categories not covered
     * that way are checked one by one, because consent-service answers record-list scopes per record
     * only. 403 when nothing is covered. The checks run outside any transaction: no database
     * connection waits on consent-service.
     */
    public Listable listable(UUID patientId, UUID granteeId, String category) {
        if (!consented(patientId, granteeId, null, null)) {
            throw DomainException.forbidden("No active consent of this patient covers the caller.");
        }
        List<String> asked = category != null ? List.of(category) : RecordCategory.names();
        List<String> covered = asked.stream().filter(c -> consented(patientId, granteeId, c, null)).toList();
        List<String> uncovered = asked.stream().filter(c -> !covered.contains(c)).toList();
        List<UUID> listed = new ArrayList<>();
        if (!uncovered.isEmpty()) {
            Map<UUID, String> candidates = QuarkusTransaction.requiringNew()
                    .call(() -> records.categoriesOf(patientId, uncovered));
            candidates.forEach((recordId, recordCategory) -> {
                if (consented(patientId, granteeId, recordCategory, recordId)) {
                    listed.add(recordId);
                }
            });
        }
        if (covered.isEmpty() && listed.isEmpty()) {
            throw DomainException.forbidden("No active consent of this patient covers the caller.");
        }
        return new Listable(covered, listed);
    }

    /** What a grantee may list: every record of {@code categories}, and the single {@code records}. */
    public record Listable(List<String> categories, List<UUID> records) {
    }
}
