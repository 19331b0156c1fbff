package health.ehr.notification.rest;

import health.ehr.notification.rest.NotificationRequests.PreferencesRequest;
import health.ehr.notification.rest.NotificationViews.NotificationView;
import health.ehr.notification.rest.NotificationViews.PreferencesView;
import health.ehr.notification.service.NotificationService;
import health.ehr.support.rest.Page;
import health.ehr.support.rest.PageRequest;
import health.ehr.support.security.Caller;
import health.ehr.support.security.Role;
import io.quarkus.security.Authenticated;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The caller's notifications (an administrator's: everyone's) and mail preferences. */
@Path("/api/notifications")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class NotificationResource {

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
