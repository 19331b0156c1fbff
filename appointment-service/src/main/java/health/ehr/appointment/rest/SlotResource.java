package health.ehr.appointment.rest;

import health.ehr.appointment.rest.AppointmentRequests.CreateSlotsRequest;
import health.ehr.appointment.rest.AppointmentViews.SlotList;
import health.ehr.appointment.rest.AppointmentViews.SlotView;
import health.ehr.appointment.service.SlotService;
import health.ehr.support.rest.DomainException;
import health.ehr.support.rest.Page;
import health.ehr.support.rest.PageRequest;
import health.ehr.support.security.Caller;
import health.ehr.support.security.Role;
import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Practitioners publish slots; everyone signed in lists free ones. */
@Path("/api/appointments/slots")
@Produces(MediaType.APPLICATION_JSON)
public class SlotResource {

    private final SlotService service;
    private final Caller caller;

    public SlotResource(SlotService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.PRACTITIONER_NAME)
    @Operation(summary = "A practitioner publishes free slots: one {start, end} or {from, to, durationMinutes}")
    public Response create(@NotNull(message = "a JSON body is required") CreateSlotsRequest body) {
        var created = service.create(caller.partyId(), new SlotService.SlotRequest(body.start(), body.end(),
                body.from(), body.to(), body.durationMinutes()));
        return Response.status(Response.Status.CREATED)
                .entity(new SlotList(created.stream().map(SlotView::of).toList())).build();
    }

    @GET
    @Authenticated
    @Operation(summary = "Free slots, optionally of one practitioner and within from/to")
    public Page<SlotView> free(@QueryParam("practitionerId") String practitionerId,
            @QueryParam("from") String from, @QueryParam("to") String to, @Valid @BeanParam PageRequest page) {
        caller.partyId();
        return service.free(uuid("practitionerId", practitionerId), instant("from", from), instant("to", to), page)
                .map(SlotView::of);
    }

    static UUID uuid(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw DomainException.invalidField(field, "must be a UUID");
        }
    }

    static Instant instant(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw DomainException.invalidField(field, "must be an ISO-8601 UTC timestamp");
        }
    }
}
