package health.ehr.notification.messaging;

import health.ehr.events.CloudEvent;
import health.ehr.events.EventData;
import health.ehr.events.EventType;
import health.ehr.events.identity.ClinicRegistered;
import health.ehr.events.identity.PatientRegistered;
import health.ehr.events.identity.PractitionerRegistered;
import health.ehr.notification.repository.RecipientRepository;
import health.ehr.support.messaging.BatchEventHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;

/** Keeps the recipient directory from identity events: the only source of addresses besides identity-service itself. */
@ApplicationScoped
public class DirectoryHandler implements BatchEventHandler {

    private final RecipientRepository recipients;

    public DirectoryHandler(RecipientRepository recipients) {
        this.recipients = recipients;
    }

    @Override
    public Set<EventType> handles() {
        return Set.of(EventType.PATIENT_REGISTERED, EventType.PRACTITIONER_REGISTERED, EventType.CLINIC_REGISTERED);
    }

    /**
     * A poll's events in one transaction (with their {@code processed_event} marks): a backlog on the
     * busy ehr.records.v1 topic drains a transaction per poll, not per event, and stops delaying mail.
     */
    @Override
    public void handleAll(List<CloudEvent<EventData>> events) {
        events.forEach(this::handle);
    }

    @Override
    public void handle(CloudEvent<EventData> event) {
        EventData data = event.data();
        if (data instanceof PatientRegistered p) {
            recipients.upsert(p.patientId(), "patient", p.email());
        } else if (data instanceof PractitionerRegistered p) {
            recipients.upsert(p.practitionerId(), "practitioner", p.email());
        } else if (data instanceof ClinicRegistered c && c.contactEmail() != null && !c.contactEmail().isBlank()) {
            recipients.upsert(c.clinicId(), "clinic", c.contactEmail());
        }
    }
}
