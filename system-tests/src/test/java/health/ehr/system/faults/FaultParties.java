package health.ehr.system.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import health.ehr.support.testing.LocalStack;
import health.ehr.system.faults.FaultStack.Answer;
import health.ehr.system.faults.FaultStack.Party;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The run's parties and what they are to do, set up before the load: 8 patients, 4 practitioners with
 * 15-minute slots 40+ days ahead (no reminder is due during the run), interleaved so that bookings go to
 * all of them all the time, and 16 consents to grant (each patient grants LAB_RESULT to one practitioner
 * and IMAGING to another; every second one is to be revoked).
 */
final class FaultParties {

    static final int PATIENTS = 8;
    static final int DOCTORS = 4;
    private static final String[] CATEGORIES = {"LAB_RESULT", "IMAGING"};

    final List<Party> patients = new ArrayList<>();
    final List<Party> doctors = new ArrayList<>();
    final List<String[]> slots = new ArrayList<>(); // {slotId, practitionerId}
    final List<Grant> grants = new ArrayList<>();
    private final Map<String, Party> byId = new HashMap<>();
    private final FaultStack stack;

    private FaultParties(FaultStack stack) {
        this.stack = stack;
    }

    /** Registers the parties, publishes a slot for each of {@code bookings}, and plans the grants. */
    static FaultParties setUp(FaultStack stack, RunLog log, int bookings) {
        FaultParties parties = new FaultParties(stack);
        parties.register(bookings);
        log.print("set up: %d patients, %d practitioners, %d slots, %d consents to grant (%d then revoked)", PATIENTS,
                DOCTORS, parties.slots.size(), parties.grants.size(), parties.grants.size() / 2);
        return parties;
    }

    private void register(int bookings) {
        for (int i = 0; i < PATIENTS; i++) {
            Party party = new Party(LocalStack.registerPatient("faults-patient"));
            patients.add(party);
            byId.put(party.id, party);
        }
        Instant first = Instant.now().plus(40, ChronoUnit.DAYS).truncatedTo(ChronoUnit.DAYS);
        int perDoctor = (bookings + DOCTORS - 1) / DOCTORS;
        for (int d = 0; d < DOCTORS; d++) {
            Party doctor = new Party(LocalStack.registerPractitioner("faults-doctor"));
            doctors.add(doctor);
            byId.put(doctor.id, doctor);
            // Far ahead (no reminder is due during the run): one 15-minute slot after another.
            Instant from = first.plus(d, ChronoUnit.DAYS);
            Answer created = stack.postJson("/api/appointments/slots", doctor, "{\"from\":\"" + from + "\",\"to\":\""
                    + from.plus(perDoctor * 15L, ChronoUnit.MINUTES) + "\",\"durationMinutes\":15}");
            assertEquals(201, created.status(), created.text());
            for (JsonNode slot : created.json().get("items")) {
                slots.add(new String[] {slot.get("slotId").asText(), doctor.id});
            }
        }
        // Interleave the practitioners, so that bookings go to all of them all the time.
        List<String[]> interleaved = new ArrayList<>();
        for (int k = 0; k < perDoctor; k++) {
            for (int d = 0; d < DOCTORS; d++) {
                interleaved.add(slots.get(d * perDoctor + k));
            }
        }
        slots.clear();
        slots.addAll(interleaved);
        for (int g = 0; g < 2 * PATIENTS; g++) {
            grants.add(new Grant(g, patients.get(g % PATIENTS), doctors.get((g + g / PATIENTS) % DOCTORS),
                    CATEGORIES[g / PATIENTS], g % 2 == 0));
        }
    }

    /** A party of the run by its id. */
    Party byId(String id) {
        return byId.get(id);
    }

    /** Patients, then practitioners. */
    List<Party> all() {
        List<Party> all = new ArrayList<>(patients);
        all.addAll(doctors);
        return all;
    }

    /** BOOKED appointments of the run's slots, from the patients' lists: id → {slotId, patientId, practitionerId}. */
    Map<String, String[]> appointments() {
        Set<String> ours = ConcurrentHashMap.newKeySet();
        slots.forEach(s -> ours.add(s[0]));
        Map<String, String[]> found = new LinkedHashMap<>();
        for (Party patient : patients) {
            for (JsonNode appointment : stack.all("/api/appointments", patient)) {
                if (ours.contains(appointment.path("slotId").asText())
                        && "BOOKED".equals(appointment.path("status").asText())) {
                    found.put(appointment.get("appointmentId").asText(), new String[] {
                            appointment.get("slotId").asText(), appointment.get("patientId").asText(),
                            appointment.get("practitionerId").asText()});
                }
            }
        }
        return found;
    }
}
