package health.ehr.notification.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.ehr.notification.Delivery;
import health.ehr.notification.Preference;
import health.ehr.notification.Recipient;
import health.ehr.notification.config.NotificationConfig;
import health.ehr.notification.repository.DeliveryRepository;
import health.ehr.notification.repository.PreferenceRepository;
import health.ehr.notification.repository.RecipientRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

/**
 * Turns "this party should hear about this event" into a delivery row, inside the consumer's
 * transaction: PENDING (due now or, for reminders, at the party's own lead time), or SKIPPED when
 * the party opted out of a non-essential mail. Nothing is sent here.
 */
@ApplicationScoped
public class DeliveryPlanner {

    private final DeliveryRepository deliveries;
    private final RecipientRepository recipients;
    private final PreferenceRepository preferences;
    private final NotificationConfig config;
    private final ObjectMapper json = new ObjectMapper();

    public DeliveryPlanner(DeliveryRepository deliveries, RecipientRepository recipients,
            PreferenceRepository preferences, NotificationConfig config) {
        this.deliveries = deliveries;
        this.recipients = recipients;
        this.preferences = preferences;
        this.config = config;
    }

    /** Plans one mail of {@code kind} about event {@code eventId} for {@code partyId}. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void plan(String eventId, UUID partyId, MailKind kind, Map<String, String> model) {
        plan(eventId, partyId, kind, model, null);
    }

    /** The same for a reminder of an appointment starting at {@code appointmentStart}. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void plan(String eventId, UUID partyId, MailKind kind, Map<String, String> model, Instant appointmentStart) {
        if (partyId == null) {
            return;
        }
        Instant now = Instant.now();
        Preference pref = preferences.findById(partyId);
        Delivery d = new Delivery();
        d.deliveryId = UUID.randomUUID();
        d.eventId = eventId;
        d.partyId = partyId;
        Recipient known = recipients.findById(partyId);
        d.recipient = known == null ? null : known.email;
        d.template = kind.template();
        d.essential = kind.essential();
        d.model = write(model);
        d.status = !kind.essential() && pref != null && !pref.emailEnabled
                ? Delivery.Status.SKIPPED : Delivery.Status.PENDING;
        d.nextAttemptAt = now;
        if (appointmentStart != null) {
            int lead = pref == null ? config.defaultReminderLeadHours()
                    : Math.min(pref.reminderLeadHours, config.defaultReminderLeadHours());
            Instant at = appointmentStart.minus(lead, ChronoUnit.HOURS);
            d.nextAttemptAt = at.isAfter(now) ? at : now;
        }
        d.createdAt = now;
        deliveries.insertIfAbsent(d);
    }

    private String write(Map<String, String> model) {
        try {
            return json.writeValueAsString(model);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
