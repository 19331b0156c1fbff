package health.ehr.appointment.service;

import health.ehr.appointment.Appointment;
import health.ehr.appointment.Slot;
import health.ehr.appointment.config.AppointmentConfig;
import health.ehr.appointment.repository.AppointmentRepository;
import health.ehr.appointment.repository.PartyGuard;
import health.ehr.appointment.repository.SlotRepository;
import health.ehr.events.appointments.AppointmentBooked;
import health.ehr.events.appointments.AppointmentCancelled;
import health.ehr.events.appointments.AppointmentRescheduled;
import health.ehr.support.messaging.OutboxWriter;
import health.ehr.support.rest.DomainException;
import health.ehr.support.rest.Page;
import health.ehr.support.rest.PageRequest;
import health.ehr.support.security.Role;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Booking, cancelling and rescheduling, each one database transaction: the slot is claimed by a
 * conditional UPDATE (row count 1 wins, no application locks), the patient's overlaps are checked
 * under the patient's guard row, and the event goes into the outbox in the same transaction.
 */
@ApplicationScoped
public class AppointmentService {

    private static final Logger LOG = Logger.getLogger(AppointmentService.class);

    private final AppointmentRepository appointments;
    private final SlotRepository slots;
    private final PartyGuard guard;
    private final OutboxWriter outbox;
    private final AppointmentConfig config;

    public AppointmentService(AppointmentRepository appointments, SlotRepository slots, PartyGuard guard,
            OutboxWriter outbox, AppointmentConfig config) {
        this.appointments = appointments;
        this.slots = slots;
        this.guard = guard;
        this.outbox = outbox;
        this.config = config;
    }

    /**
     * Books a free future slot for the patient. 404 if there is no such slot; 409 if it is taken or
     * already started (past slots are "not free", so a conflict, not a bad request), or if the patient
     * already has an appointment at an overlapping time.
     */
    @Transactional
    public Appointment book(UUID patientId, UUID slotId, String reason) {
        Instant now = Instant.now();
        guard.lock(patientId);
        Slot slot = slots.findByIdOptional(slotId)
                .orElseThrow(() -> DomainException.notFound("No slot " + slotId + "."));
        if (appointments.patientHasOverlap(patientId, slot.startAt, slot.endAt, null)) {
            throw DomainException.conflict("You already have an appointment at an overlapping time.");
        }
        if (!slots.claim(slotId, now)) {
            throw DomainException.conflict(slot.startAt.isAfter(now)
                    ? "The slot is already taken." : "The slot has already started.");
        }
        Appointment a = new Appointment();
        a.appointmentId = UUID.randomUUID();
        a.slotId = slotId;
        a.bookedSlotId = slotId;
        a.patientId = patientId;
        a.practitionerId = slot.practitionerId;
        a.startAt = slot.startAt;
        a.endAt = slot.endAt;
        a.reason = reason;
        a.status = Appointment.Status.BOOKED;
        a.reminderDueAt = slot.startAt.minus(config.reminderLead());
        a.createdAt = now;
        a.updatedAt = now;
        appointments.persist(a);
        outbox.append(new AppointmentBooked(a.appointmentId, a.slotId, a.patientId, a.practitionerId, a.startAt,
                a.endAt));
        LOG.infof("appointment %s booked on slot %s", a.appointmentId, slotId);
        return a;
    }

    /** The caller's own appointments: as patient or as practitioner. */
    @Transactional
    public Page<Appointment> own(UUID partyId, Role role, PageRequest page) {
        String field = role == Role.PRACTITIONER ? "practitionerId" : "patientId";
        var query = appointments.find(field, Sort.by("startAt").and("appointmentId"), partyId);
        List<Appointment> items = query.page(io.quarkus.panache.common.Page.of(page.page, page.size)).list();
        return new Page<>(items, page.page, page.size, query.count());
    }

    /** Cancels an appointment of which the caller is the patient or the practitioner; frees the slot. */
    @Transactional
    public Appointment cancel(UUID appointmentId, UUID partyId, String reason) {
        Appointment a = appointments.findOwnForUpdate(appointmentId, partyId)
                .orElseThrow(() -> notFound(appointmentId));
        if (a.status != Appointment.Status.BOOKED) {
            throw DomainException.conflict("The appointment is " + a.status + " and cannot be cancelled.");
        }
        String by = a.patientId.equals(partyId) ? Role.PATIENT.claimValue() : Role.PRACTITIONER.claimValue();
        a.status = Appointment.Status.CANCELLED;
        a.bookedSlotId = null;
        a.cancelReason = reason;
        a.cancelledBy = by;
        a.updatedAt = Instant.now();
        appointments.flush();
        slots.release(a.slotId);
        outbox.append(new AppointmentCancelled(a.appointmentId, a.slotId, a.patientId, a.practitionerId,
                a.startAt, a.endAt, by));
        LOG.infof("appointment %s cancelled by the %s", a.appointmentId, by);
        return a;
    }

    /**
     * Moves the patient's appointment to another free slot. The new slot is claimed first; the old
     * one is freed only after that, in the same transaction, so a lost race changes nothing.
     */
    @Transactional
    public Appointment reschedule(UUID appointmentId, UUID patientId, UUID newSlotId) {
        Instant now = Instant.now();
        guard.lock(patientId);
        Appointment a = appointments.findOwnForUpdate(appointmentId, patientId)
                .filter(x -> x.patientId.equals(patientId))
                .orElseThrow(() -> notFound(appointmentId));
        if (a.status != Appointment.Status.BOOKED) {
            throw DomainException.conflict("The appointment is " + a.status + " and cannot be rescheduled.");
        }
        if (!a.startAt.isAfter(now)) {
            throw DomainException.conflict("The appointment has already started.");
        }
        if (newSlotId.equals(a.slotId)) {
            throw DomainException.conflict("The appointment is already on this slot.");
        }
        Slot target = slots.findByIdOptional(newSlotId)
                .orElseThrow(() -> DomainException.notFound("No slot " + newSlotId + "."));
        if (appointments.patientHasOverlap(patientId, target.startAt, target.endAt, a.appointmentId)) {
            throw DomainException.conflict("You already have an appointment at an overlapping time.");
        }
        if (!slots.claim(newSlotId, now)) {
            throw DomainException.conflict(target.startAt.isAfter(now)
                    ? "The slot is already taken." : "The slot has already started.");
        }
        UUID oldSlot = a.slotId;
        Instant previousStart = a.startAt;
        a.slotId = newSlotId;
        a.bookedSlotId = newSlotId;
        a.practitionerId = target.practitionerId;
        a.startAt = target.startAt;
        a.endAt = target.endAt;
        a.reminderDueAt = target.startAt.minus(config.reminderLead());
        a.reminderSentAt = null;
        a.updatedAt = now;
        appointments.flush();
        slots.release(oldSlot);
        outbox.append(new AppointmentRescheduled(a.appointmentId, a.slotId, a.patientId, a.practitionerId,
                previousStart, a.startAt, a.endAt));
        LOG.infof("appointment %s moved from slot %s to %s", a.appointmentId, oldSlot, newSlotId);
        return a;
    }

    private static DomainException notFound(UUID appointmentId) {
        return DomainException.notFound("No appointment " + appointmentId + ".");
    }
}
