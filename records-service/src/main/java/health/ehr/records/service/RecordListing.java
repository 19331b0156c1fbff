package health.ehr.records.service;

import health.ehr.records.AccessAction;
import health.ehr.records.MedicalRecord;
import health.ehr.records.repository.MedicalRecordRepository;
import health.ehr.support.rest.Page;
import health.ehr.support.rest.PageRequest;
import health.ehr.support.security.Caller;
import health.ehr.support.security.Role;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Pages of a patient's records, paged in the database: all of them for the patient, what the
 * consents cover ({@link AccessPolicy#listable}) for a grantee, each record listed to a grantee
 * logged as a read.
 */
@ApplicationScoped
public class RecordListing {

    private final MedicalRecordRepository records;
    private final AccessPolicy policy;
    private final AccessLog accessLog;

    public RecordListing(MedicalRecordRepository records, AccessPolicy policy, AccessLog accessLog) {
        this.records = records;
        this.policy = policy;
        this.accessLog = accessLog;
    }

    /** A page of a patient's records (the caller's own when {@code patientId} is null; category optional). */
    public Page<MedicalRecord> list(Caller caller, UUID patientId, String category, PageRequest page) {
        UUID patient = patientId != null ? patientId : caller.partyId();
        if (policy.listsOwn(caller, patient)) {
            return QuarkusTransaction.requiringNew().call(() -> {
                String query = "patientId = ?1" + (category != null ? " AND category = ?2" : "")
                        + " ORDER BY createdAt DESC, recordId";
                Object[] params = category != null ? new Object[] {patient, category} : new Object[] {patient};
                var found = records.find(query, params);
                return new Page<>(found.page(page.page, page.size).list(), page.page, page.size, found.count());
            });
        }
        UUID grantee = caller.partyId();
        AccessPolicy.Listable listable = policy.listable(patient, grantee, category);
        return QuarkusTransaction.requiringNew().call(() -> {
            List<String> conditions = new ArrayList<>();
            Map<String, Object> params = new HashMap<>();
            params.put("patient", patient);
            if (!listable.categories().isEmpty()) {
                conditions.add("category IN :covered");
                params.put("covered", listable.categories());
            }
            if (!listable.records().isEmpty()) {
                conditions.add("recordId IN :listed");
                params.put("listed", listable.records());
            }
            String where = "patientId = :patient AND (" + String.join(" OR ", conditions) + ")";
            var found = records.find(where + " ORDER BY createdAt DESC, recordId", params);
            List<MedicalRecord> items = found.page(page.page, page.size).list();
            // Each record listed to a grantee is a logged read.
            String role = caller.primaryRole().map(Role::claimValue).orElse("unknown");
            items.forEach(r -> accessLog.append(r.patientId, r.recordId, grantee, role, AccessAction.LIST, "consent",
                    false));
            return new Page<>(items, page.page, page.size, records.count(where, params));
        });
    }
}
