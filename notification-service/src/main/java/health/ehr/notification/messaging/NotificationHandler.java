package health.ehr.notification.messaging;

import health.ehr.events.CloudEvent;
import health.ehr.events.EventData;
import health.ehr.events.EventType;
import health.ehr.events.appointments.AppointmentBooked;
import health.ehr.events.appointments.AppointmentCancelled;
import health.ehr.events.appointments.AppointmentReminderDue;
import health.ehr.events.appointments.AppointmentRescheduled;
import health.ehr.events.consent.ConsentGranted;
import health.ehr.events.consent.ConsentRevoked;
import health.ehr.events.records.EmergencyAccessUsed;
import health.ehr.events.records.RecordStored;
import health.ehr.notification.service.DeliveryPlanner;
import health.ehr.notification.service.MailKind;
import health.ehr.support.messaging.BatchEventHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides who hears about which event and plans their mails (in the consumer's transaction; the
 * sender job sends). Only ids and times are taken from events: never an address, a reason or a title.
 */
@ApplicationScoped
public class NotificationHandler implements BatchEventHandler {

    private final DeliveryPlanner planner;

    public NotificationHandler(DeliveryPlanner planner) {
        this.planner = planner;
    }

    @Override
    public Set<EventType> handles() {
        return Set.of(EventType.APPOINTMENT_BOOKED, EventType.APPOINTMENT_CANCELLED, EventType.APPOINTMENT_RESCHEDULED,
                EventType.APPOINTMENT_REMINDER_DUE, EventType.CONSENT_GRANTED, EventType.CONSENT_REVOKED,
                EventType.EMERGENCY_ACCESS_USED, EventType.RECORD_STORED);
    }

    /**
     * Applying an event again adds nothing: a delivery row is keyed by (event id, party) and inserted
     * with {@code INSERT IGNORE}. So the consumer keeps no {@code processed_event} marks for these
     * events — on the busy ehr.records.v1, where most RecordStored plan no mail at all, that was a row
     * per event (100,000 rows in MariaDB for the anchoring benchmark's flood).
     */
    @Override
    public boolean idempotent() {
        return true;
    }

    /**
     * A poll's events in one transaction: a backlog on the busy ehr.records.v1 topic drains a
     * transaction per poll, not per event, and stops delaying mail.
     */
    @Override
    public void handleAll(List<CloudEvent<EventData>> events) {
        events.forEach(this::handle);
    }

    @Override
    public void handle(CloudEvent<EventData> event) {
        String id = event.id();
        EventData data = event.data();
        if (data instanceof AppointmentBooked a) {
            planner.plan(id, a.patientId(), MailKind.APPOINTMENT_BOOKED, at(a.start()));
            planner.plan(id, a.practitionerId(), MailKind.APPOINTMENT_BOOKED, at(a.start()));
        } else if (data instanceof AppointmentCancelled a) {
            planner.plan(id, a.patientId(), MailKind.APPOINTMENT_CANCELLED, at(a.start()));
            planner.plan(id, a.practitionerId(), MailKind.APPOINTMENT_CANCELLED, at(a.start()));
        } else if (data instanceof AppointmentRescheduled a) {
            planner.plan(id, a.patientId(), MailKind.APPOINTMENT_RESCHEDULED, at(a.start()));
            planner.plan(id, a.practitionerId(), MailKind.APPOINTMENT_RESCHEDULED, at(a.start()));
        } else if (data instanceof AppointmentReminderDue a) {
            planner.plan(id, a.patientId(), MailKind.APPOINTMENT_REMINDER, at(a.start()), a.start());
        } else if (data instanceof ConsentGranted c) {
            planner.plan(id, c.patientId(), MailKind.CONSENT_GRANTED, Map.of());
            // A grantee of another installation is not known here: its own installation tells it.
            if (c.granteeOrganizationId() == null) {
                planner.plan(id, c.granteeId(), MailKind.CONSENT_GRANTED, Map.of());
            }
        } else if (data instanceof ConsentRevoked c) {
            planner.plan(id, c.patientId(), MailKind.CONSENT_REVOKED, Map.of());
            if (c.granteeOrganizationId() == null) {
                planner.plan(id, c.granteeId(), MailKind.CONSENT_REVOKED, Map.of());
            }
        } else if (data instanceof EmergencyAccessUsed e) {
            planner.plan(id, e.patientId(), MailKind.EMERGENCY_ACCESS, at(e.at()));
        } else if (data instanceof RecordStored r && r.authorId() != null && !r.authorId().equals(r.patientId())) {
            // "A record was shared with you": only when someone else (a practitioner, a clinic) stored it.
            planner.plan(id, r.patientId(), MailKind.RECORD_SHARED, Map.of());
        }
    }

    private static Map<String, String> at(Instant when) {
        return when == null ? Map.of() : Map.of("when", when.toString());
    }
}
