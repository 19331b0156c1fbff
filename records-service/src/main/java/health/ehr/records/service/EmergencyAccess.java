package health.ehr.records.service;

import health.ehr.events.Ids;
import health.ehr.events.records.EmergencyAccessUsed;
import health.ehr.records.AccessAction;
import health.ehr.records.EmergencyGrant;
import health.ehr.records.MedicalRecord;
import health.ehr.records.config.RecordsConfig;
import health.ehr.records.repository.EmergencyGrantRepository;
import health.ehr.records.repository.MedicalRecordRepository;
import health.ehr.support.messaging.OutboxWriter;
import health.ehr.support.rest.DomainException;
import health.ehr.support.security.Caller;
import health.ehr.support.security.Role;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * A practitioner's audited, time-limited emergency access to one record ({@code records.emergency-access});
 * the grant is logged and the patient told ({@code EmergencyAccessUsed}). {@link AccessPolicy} honours it.
 */
@ApplicationScoped
public class EmergencyAccess {

    private static final Logger LOG = Logger.getLogger(EmergencyAccess.class);

    private final MedicalRecordRepository records;
    private final EmergencyGrantRepository emergencies;
    private final AccessLog accessLog;
    private final OutboxWriter outbox;
    private final RecordsConfig config;

    public EmergencyAccess(MedicalRecordRepository records, EmergencyGrantRepository emergencies, AccessLog accessLog,
            OutboxWriter outbox, RecordsConfig config) {
        this.records = records;
        this.emergencies = emergencies;
        this.accessLog = accessLog;
        this.outbox = outbox;
        this.config = config;
    }

    /** Grants the calling practitioner access to {@code recordId}; returns when it ends. */
    public Instant grant(Caller caller, UUID recordId, String reason) {
        if (!caller.has(Role.PRACTITIONER)) {
            throw DomainException.forbidden("Only practitioners may use emergency access.");
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            MedicalRecord record = records.findByIdOptional(recordId)
                    .orElseThrow(() -> DomainException.notFound("No record " + recordId + "."));
            EmergencyGrant grant = new EmergencyGrant();
            grant.grantId = Ids.timeOrdered();
            grant.recordId = recordId;
            grant.practitionerId = caller.partyId();
            grant.reason = reason.strip();
            grant.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            grant.grantedUntil = grant.createdAt.plus(config.emergencyAccess());
            emergencies.persist(grant);
            accessLog.append(record.patientId, recordId, caller.partyId(), Role.PRACTITIONER_NAME,
                    AccessAction.EMERGENCY_ACCESS_GRANTED, "emergency", true);
            outbox.append(new EmergencyAccessUsed(recordId, record.patientId, caller.partyId(), grant.grantedUntil,
                    grant.createdAt));
            LOG.infof("emergency access to record %s until %s", recordId, grant.grantedUntil);
            return grant.grantedUntil;
        });
    }
}
