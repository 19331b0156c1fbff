package health.ehr.notification.rest;

import health.ehr.notification.Delivery;
import health.ehr.notification.service.NotificationService;
import health.ehr.support.rest.Page;
import health.ehr.support.rest.PageRequest;
import health.ehr.support.security.Caller;
import health.ehr.support.security.Role;
import io.quarkus.security.Authenticated;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The caller's notifications (an administrator's: everyone's) and mail preferences. */
@Path("/api/notifications")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class NotificationResource {

    /** One delivery as the API shows it; {@code lastError} says why a mail is retried or parked. */
    public record NotificationView(UUID notificationId, String eventId, String recipient, String template,
            String status, int attempts, Instant sentAt, String lastError) {

        static NotificationView of(Delivery d) {
            return new NotificationView(d.deliveryId, d.eventId, d.recipient, d.template, d.status.name(), d.attempts,
                    d.sentAt, d.lastError);
        }
    }

    /**
     * {@code emailEnabled=false} stops non-essential mail (appointments, reminders, shared records);
     * security mail (emergency access, consent changes) is always sent. {@code reminderLeadHours}:
     * 1–24 (appointment-service announces reminders 24 h ahead; the mail waits until this lead).
     */
    public record PreferencesRequest(@NotNull(message = "is required") Boolean emailEnabled,
            @Min(value = 1, message = "must be at least 1") @Max(value = 24, message = "must be at most 24")
            Integer reminderLeadHours) {
    }

    /** The stored preferences. */
    public record PreferencesView(boolean emailEnabled, int reminderLeadHours) {
    }

    private final NotificationService service;
    private final Caller caller;

    public NotificationResource(NotificationService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "The caller's notifications and their delivery status (an administrator's: everyone's)")
    public Page<NotificationView> list(@Valid @BeanParam PageRequest page) {
        UUID party = caller.partyId();
        return service.list(caller.has(Role.ADMIN) ? null : party, page).map(NotificationView::of);
    }

    @PUT
    @Path("/preferences")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set the caller's mail preferences; security mail is always sent")
    public PreferencesView preferences(@NotNull(message = "a JSON body is required") @Valid PreferencesRequest body) {
        var p = service.setPreferences(caller.partyId(), body.emailEnabled(), body.reminderLeadHours());
        return new PreferencesView(p.emailEnabled, p.reminderLeadHours);
    }
}
