package health.ehr.appointment.rest;

import health.ehr.appointment.rest.AppointmentRequests.BookRequest;
import health.ehr.appointment.rest.AppointmentRequests.CancelRequest;
import health.ehr.appointment.rest.AppointmentRequests.RescheduleRequest;
import health.ehr.appointment.rest.AppointmentViews.AppointmentView;
import health.ehr.appointment.service.AppointmentService;
import health.ehr.support.rest.Page;
import health.ehr.support.rest.PageRequest;
import health.ehr.support.security.Caller;
import health.ehr.support.security.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Patients book, cancel and reschedule; patients and practitioners list their own appointments. */
@Path("/api/appointments")
@Produces(MediaType.APPLICATION_JSON)
public class AppointmentResource {

    private final AppointmentService service;
    private final Caller caller;

    public AppointmentResource(AppointmentService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.PATIENT_NAME)
    @Operation(summary = "A patient books a free slot; 409 if it is taken")
    public Response book(@NotNull(message = "a JSON body is required") @Valid BookRequest body) {
        var booked = service.book(caller.partyId(), body.slotId(), body.reason());
        return Response.status(Response.Status.CREATED).entity(AppointmentView.of(booked)).build();
    }

    @GET
    @RolesAllowed({Role.PATIENT_NAME, Role.PRACTITIONER_NAME})
    @Operation(summary = "The caller's own appointments (as patient or practitioner)")
    public Page<AppointmentView> own(@Valid @BeanParam PageRequest page) {
        Role role = caller.has(Role.PRACTITIONER) ? Role.PRACTITIONER : Role.PATIENT;
        return service.own(caller.partyId(), role, page).map(AppointmentView::of);
    }

    @POST
    @Path("/{appointmentId}/cancel")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.PATIENT_NAME, Role.PRACTITIONER_NAME})
    @Operation(summary = "The patient or the practitioner cancels an appointment")
    public AppointmentView cancel(@PathParam("appointmentId") UUID appointmentId, @Valid CancelRequest body) {
        return AppointmentView.of(service.cancel(appointmentId, caller.partyId(), body == null ? null : body.reason()));
    }

    @POST
    @Path("/{appointmentId}/reschedule")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.PATIENT_NAME)
    @Operation(summary = "The patient moves an appointment to another free slot")
    public AppointmentView reschedule(@PathParam("appointmentId") UUID appointmentId,
            @NotNull(message = "a JSON body is required") @Valid RescheduleRequest body) {
        return AppointmentView.of(service.reschedule(appointmentId, caller.partyId(), body.slotId()));
    }
}
