package health.ehr.notification.service;

import health.ehr.notification.Delivery;
import health.ehr.notification.Preference;
import health.ehr.notification.config.NotificationConfig;
import health.ehr.notification.repository.DeliveryRepository;
import health.ehr.notification.repository.PreferenceRepository;
import health.ehr.support.rest.Page;
import health.ehr.support.rest.PageRequest;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.UUID;

/** The delivery log as users see it, and their preferences. */
@ApplicationScoped
public class NotificationService {

    private final DeliveryRepository deliveries;
    private final PreferenceRepository preferences;
    private final NotificationConfig config;

    public NotificationService(DeliveryRepository deliveries, PreferenceRepository preferences,
            NotificationConfig config) {
        this.deliveries = deliveries;
        this.preferences = preferences;
        this.config = config;
    }

    /** Deliveries for one party (newest first), or everyone's when {@code partyId} is null (admin). */
    @Transactional
    public Page<Delivery> list(UUID partyId, PageRequest page) {
        Sort sort = Sort.descending("createdAt").and("deliveryId");
        var query = partyId == null ? deliveries.findAll(sort) : deliveries.find("partyId", sort, partyId);
        var items = query.page(io.quarkus.panache.common.Page.of(page.page, page.size)).list();
        return new Page<>(items, page.page, page.size, query.count());
    }

    /** Stores a party's preferences (insert or replace). */
    @Transactional
    public Preference setPreferences(UUID partyId, boolean emailEnabled, Integer reminderLeadHours) {
        Preference p = preferences.findById(partyId);
        boolean fresh = p == null;
        if (fresh) {
            p = new Preference();
            p.partyId = partyId;
        }
        p.emailEnabled = emailEnabled;
        p.reminderLeadHours = reminderLeadHours == null ? config.defaultReminderLeadHours() : reminderLeadHours;
        p.updatedAt = Instant.now();
        if (fresh) {
            preferences.persist(p);
        }
        return p;
    }
}
