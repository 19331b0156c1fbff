package health.ehr.appointment.service;

import health.ehr.appointment.Slot;
import health.ehr.appointment.config.AppointmentConfig;
import health.ehr.appointment.repository.PartyGuard;
import health.ehr.appointment.repository.SlotRepository;
import health.ehr.support.rest.DomainException;
import health.ehr.support.rest.Page;
import health.ehr.support.rest.PageRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Publishing and listing practitioners' slots. */
@ApplicationScoped
public class SlotService {

    private static final Logger LOG = Logger.getLogger(SlotService.class);
    /** Far enough in the future to mean "no upper bound" in a query. */
    private static final Instant NO_END = Instant.parse("9999-01-01T00:00:00Z");

    private final SlotRepository slots;
    private final PartyGuard guard;
    private final AppointmentConfig config;

    public SlotService(SlotRepository slots, PartyGuard guard, AppointmentConfig config) {
        this.slots = slots;
        this.guard = guard;
        this.config = config;
    }

    /** What a practitioner asked for: one slot ({@code start, end}) or a series ({@code from, to, durationMinutes}). */
    public record SlotRequest(Instant start, Instant end, Instant from, Instant to, Integer durationMinutes) {
    }

    /**
     * Creates the practitioner's slots, refusing (409) any that overlaps one they already have. The
     * series tiles [from, to) contiguously, so one range check covers every new slot; the
     * practitioner's guard row serialises concurrent requests of the same practitioner.
     */
    @Transactional
    public List<Slot> create(UUID practitionerId, SlotRequest request) {
        List<Instant[]> ranges = plan(request, Instant.now());
        Instant first = ranges.get(0)[0];
        Instant last = ranges.get(ranges.size() - 1)[1];
        guard.lock(practitionerId);
        if (slots.overlaps(practitionerId, first, last)) {
            throw DomainException.conflict("The new slots overlap slots this practitioner already has.");
        }
        Instant now = Instant.now();
        List<Slot> created = new ArrayList<>(ranges.size());
        for (Instant[] range : ranges) {
            Slot slot = new Slot();
            slot.slotId = UUID.randomUUID();
            slot.practitionerId = practitionerId;
            slot.startAt = range[0];
            slot.endAt = range[1];
            slot.available = true;
            slot.createdAt = now;
            slots.persist(slot);
            created.add(slot);
        }
        LOG.infof("practitioner %s published %d slots from %s", practitionerId, created.size(), first);
        return created;
    }

    /** The slot ranges a request stands for, after checking the limits (400 naming the field). */
    List<Instant[]> plan(SlotRequest r, Instant now) {
        boolean single = r.start() != null || r.end() != null;
        boolean series = r.from() != null || r.to() != null || r.durationMinutes() != null;
        if (single == series) {
            throw DomainException.badRequest("Give either {start, end} or {from, to, durationMinutes}.");
        }
        Instant start = micros(single ? r.start() : r.from());
        Instant end = micros(single ? r.end() : r.to());
        String startField = single ? "start" : "from";
        String endField = single ? "end" : "to";
        if (start == null) {
            throw DomainException.invalidField(startField, "is required");
        }
        if (end == null) {
            throw DomainException.invalidField(endField, "is required");
        }
        if (!end.isAfter(start)) {
            throw DomainException.invalidField(endField, "must be after " + startField);
        }
        if (start.isBefore(now)) {
            throw DomainException.invalidField(startField, "must not be in the past");
        }
        if (single) {
            checkDuration(Duration.between(start, end), endField);
            return List.<Instant[]>of(new Instant[] {start, end});
        }
        if (r.durationMinutes() == null) {
            throw DomainException.invalidField("durationMinutes", "is required");
        }
        long minutes = r.durationMinutes();
        checkDuration(Duration.ofMinutes(minutes), "durationMinutes");
        long count = Duration.between(start, end).toMinutes() / minutes;
        if (count < 1) {
            throw DomainException.invalidField(endField, "leaves no room for one slot of durationMinutes");
        }
        if (count > config.maxSlotsPerRequest()) {
            throw DomainException.invalidField(endField, "would create " + count + " slots; at most "
                    + config.maxSlotsPerRequest() + " per request");
        }
        List<Instant[]> ranges = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            Instant s = start.plus(minutes * i, ChronoUnit.MINUTES);
            ranges.add(new Instant[] {s, s.plus(minutes, ChronoUnit.MINUTES)});
        }
        return ranges;
    }

    private void checkDuration(Duration d, String field) {
        if (d.compareTo(Duration.ofMinutes(config.minSlotMinutes())) < 0
                || d.compareTo(Duration.ofMinutes(config.maxSlotMinutes())) > 0) {
            throw DomainException.invalidField(field, "a slot lasts " + config.minSlotMinutes() + " to "
                    + config.maxSlotMinutes() + " minutes");
        }
    }

    /** A page of free future slots, optionally of one practitioner, starting in [from, to). */
    @Transactional
    public Page<Slot> free(UUID practitionerId, Instant from, Instant to, PageRequest page) {
        Instant now = Instant.now();
        Instant lower = from == null || from.isBefore(now) ? now : from;
        Instant upper = to == null ? NO_END : to;
        if (from != null && to != null && !to.isAfter(from)) {
            throw DomainException.invalidField("to", "must be after from");
        }
        var query = slots.free(practitionerId, lower, upper);
        List<Slot> items = query.page(io.quarkus.panache.common.Page.of(page.page, page.size)).list();
        return new Page<>(items, page.page, page.size, query.count());
    }

    static Instant micros(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MICROS);
    }
}
