package health.ehr.system.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import health.ehr.events.Ids;
import health.ehr.support.testing.LocalStack;
import health.ehr.system.faults.FaultStack.Answer;
import health.ehr.system.faults.FaultStack.Party;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 8's fault run: 2,000 uploads, 200 bookings and a handful of consent grants and revocations
 * through the gateway while records-, chain-anchor-, consent- and notification-service, Kafka and
 * MariaDB are killed (SIGKILL) and restarted in turn and anvil and GreenMail are stopped for a minute.
 * Afterwards every acknowledged upload must be readable byte for byte and anchored exactly once (its
 * proof folded to a root that AnchorRegistry holds, its leaf in exactly one anchored batch), every
 * acknowledged booking must exist once, every expected mail must have arrived exactly once, and every
 * consent's state must equal the chain's. Writes {@code target/faults-report.md}; fails when anything
 * was lost or duplicated.
 *
 * <p>Not part of the default build (the name matches no test pattern): {@code deploy/local/platform
 * faults} runs it with {@code -Pfaults}. It kills servers of the stack it is pointed at.
 */
class FaultInjectionRun {

    private static final int UPLOADS = Integer.parseInt(LocalStack.env("EHR_FAULTS_UPLOADS", "2000"));
    private static final int BOOKINGS = Integer.parseInt(LocalStack.env("EHR_FAULTS_BOOKINGS", "200"));
    private static final int OUTAGE_S = Integer.parseInt(LocalStack.env("EHR_FAULTS_OUTAGE_S", "60"));
    private static final int KILLED_FOR_S = 5;
    private static final int RECOVER_S = 10;
    private static final int PATIENTS = 8;
    private static final int DOCTORS = 4;
    private static final int UPLOAD_CONCURRENCY = 8;
    private static final int BOOKING_CONCURRENCY = 2;
    private static final int MAX_TRIES = 60;
    private static final Duration SETTLE = Duration.ofMinutes(15);
    private static final String BOOKED = "EHR Exchange: An appointment was booked";
    private static final String GRANTED = "EHR Exchange: A consent to access records is now active";
    private static final String REVOKED = "EHR Exchange: A consent to access records was revoked";
    private static final String[] CATEGORIES = {"LAB_RESULT", "IMAGING"};

    /** The faults, in issue 8's order; phase 0 is load without a fault. EHR_FAULTS_COMPONENTS picks some. */
    private static final String[][] SCHEDULE = schedule(LocalStack.env("EHR_FAULTS_COMPONENTS",
            "records-service,chain-anchor-service,consent-service,notification-service,kafka,mariadb,anvil,greenmail"));

    private static String[][] schedule(String components) {
        List<String[]> phases = new ArrayList<>();
        phases.add(new String[] {"(none)", "load only"});
        for (String component : components.split(",")) {
            String name = component.trim();
            if (!name.isEmpty()) {
                phases.add(new String[] {name, name.equals("anvil") || name.equals("greenmail") ? "stop" : "kill"});
            }
        }
        return phases.toArray(new String[0][]);
    }

    private final FaultStack stack = new FaultStack();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final long t0 = System.nanoTime();
    private volatile int phase = -1;
    private volatile boolean mailPaused;
    private final AtomicInteger mailOpsInFlight = new AtomicInteger();
    private volatile boolean loadDone;

    private final List<Party> patients = new ArrayList<>();
    private final List<Party> doctors = new ArrayList<>();
    private final Map<String, Party> byId = new HashMap<>();
    private final List<String[]> slots = new ArrayList<>(); // {slotId, practitionerId}

    // Outcomes, filled by the load threads.
    private final Map<Integer, Upload> acknowledged = new ConcurrentHashMap<>();
    private final Set<String> unacknowledgedTitles = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> uploadAnswers = new ConcurrentHashMap<>();
    private final AtomicInteger uploadTries = new AtomicInteger();
    private final AtomicInteger uploadsGivenUp = new AtomicInteger();
    private final Map<Integer, String> booked = new ConcurrentHashMap<>(); // booking index → appointmentId
    private final Set<Integer> bookingsUncertain = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> bookingAnswers = new ConcurrentHashMap<>();
    private final AtomicInteger bookingsGivenUp = new AtomicInteger();
    private final List<Grant> grants = new ArrayList<>();
    private final Map<String, AtomicInteger> consentAnswers = new ConcurrentHashMap<>();
    private final List<Fault> timeline = new ArrayList<>();
    private final Map<Integer, Map<String, AtomicInteger>> failedByPhase = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> notes = new ConcurrentLinkedQueue<>();
    /** Mails counted in GreenMail before it was stopped (it keeps mail in memory only). */
    private final Map<String, Map<String, Integer>> mailBefore = new HashMap<>();

    private record Upload(int index, Party patient, String title, byte[] content, String recordId, String sha256) {
    }

    private static final class Grant {
        final int index;
        final Party patient;
        final Party doctor;
        final String category;
        final boolean revoke;
        volatile String consentId;
        volatile boolean grantUncertain;
        volatile boolean revokeAcknowledged;
        volatile String revokeProblem;

        Grant(int index, Party patient, Party doctor, String category, boolean revoke) {
            this.index = index;
            this.patient = patient;
            this.doctor = doctor;
            this.category = category;
            this.revoke = revoke;
        }
    }

    private record Fault(int phase, String component, String action, double atS, double downS, double backS,
            String load, String note) {
    }

    @Test
    void nothingAcknowledgedIsLostOrDuplicatedWhileServersCrash() throws Exception {
        log("run %s: %d uploads, %d bookings, stack %s, gateway %s, load %s", run, UPLOADS, BOOKINGS, stack.state,
                stack.gateway, FaultStack.loadAverage());
        setUp();
        ExecutorService uploads = Executors.newFixedThreadPool(UPLOAD_CONCURRENCY);
        ExecutorService bookings = Executors.newFixedThreadPool(BOOKING_CONCURRENCY);
        Thread consents = new Thread(this::consentLoad, "consents");
        Thread progress = new Thread(this::progress, "progress");
        for (int i = 0; i < UPLOADS; i++) {
            int index = i;
            uploads.submit(() -> upload(index));
        }
        for (int j = 0; j < BOOKINGS; j++) {
            int index = j;
            bookings.submit(() -> book(index));
        }
        consents.start();
        progress.setDaemon(true);
        progress.start();

        faults();
        uploads.shutdown();
        bookings.shutdown();
        uploads.awaitTermination(60, TimeUnit.MINUTES);
        bookings.awaitTermination(60, TimeUnit.MINUTES);
        consents.join(TimeUnit.MINUTES.toMillis(30));
        loadDone = true;
        double loadEnd = seconds();
        log("load finished at %.0f s: %d of %d uploads acknowledged, %d of %d bookings; load %s", loadEnd,
                acknowledged.size(), UPLOADS, booked.size(), BOOKINGS, FaultStack.loadAverage());

        Report report = settleAndCheck(loadEnd);
        Path file = stack.root.resolve("system-tests/target/faults-report.md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, report.markdown);
        System.out.println(report.markdown);
        log("report written to %s", file);
        assertEquals(0, report.lost, "nothing acknowledged may be lost (see " + file + ")");
        assertEquals(0, report.duplicated, "nothing may be duplicated (see " + file + ")");
    }

    // ------------------------------------------------------------------------------- set-up

    private void setUp() {
        for (int i = 0; i < PATIENTS; i++) {
            Party party = new Party(LocalStack.registerPatient("faults-patient"));
            patients.add(party);
            byId.put(party.id, party);
        }
        Instant first = Instant.now().plus(40, ChronoUnit.DAYS).truncatedTo(ChronoUnit.DAYS);
        int perDoctor = (BOOKINGS + DOCTORS - 1) / DOCTORS;
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
        log("set up: %d patients, %d practitioners, %d slots, %d consents to grant (%d then revoked)", PATIENTS,
                DOCTORS, slots.size(), grants.size(), grants.size() / 2);
    }

    // ------------------------------------------------------------------------------- faults

    private void faults() throws InterruptedException {
        for (int k = 0; k < SCHEDULE.length; k++) {
            String component = SCHEDULE[k][0];
            String action = SCHEDULE[k][1];
            if (component.equals("greenmail")) {
                snapshotMailBeforeGreenMailStops();
            }
            phase = k;
            if (k == 0) {
                Thread.sleep(20_000);
                continue;
            }
            double at = seconds();
            String load = FaultStack.loadAverage();
            String note = "";
            log("fault %d: %s %s (load %s)", k, action, component, load);
            if (action.equals("kill")) {
                check(stack.platform("kill", component), "platform kill " + component);
                double down = seconds();
                Thread.sleep(KILLED_FOR_S * 1000L);
                check(stack.platform("up", component), "platform up " + component);
                timeline.add(new Fault(k, component, "SIGKILL, `up` after " + KILLED_FOR_S + " s", at,
                        down - at, seconds() - at, load, note));
            } else {
                long blockBefore = component.equals("anvil") ? stack.blockNumber() : 0;
                check(stack.platform("down", component), "platform down " + component);
                double down = seconds();
                mailPaused = false;
                Thread.sleep(OUTAGE_S * 1000L);
                check(stack.platform("up", component), "platform up " + component);
                if (component.equals("anvil")) {
                    long blockAfter = stack.blockNumber();
                    boolean code = stack.hasCode(stack.contract("EHR_CONTRACTS_ANCHOR_REGISTRY"))
                            && stack.hasCode(stack.contract("EHR_CONTRACTS_CONSENT_REGISTRY"));
                    note = "block " + blockBefore + " before the stop, " + blockAfter + " after the restart (state file"
                            + " kept), contracts " + (code ? "present" : "MISSING");
                }
                timeline.add(new Fault(k, component, "`down` (SIGTERM), `up` after " + OUTAGE_S + " s", at,
                        down - at, seconds() - at, load, note));
            }
            log("fault %d: %s back after %.1f s", k, component, seconds() - at);
            Thread.sleep(RECOVER_S * 1000L);
        }
        phase = Integer.MAX_VALUE / 2; // everything not yet released goes now
    }

    private void check(boolean ok, String what) {
        if (!ok) {
            notes.add(what + " failed (exit status not 0)");
            log("WARNING: %s failed", what);
        }
    }

    /**
     * GreenMail keeps mail in memory: stopping it forgets every mail it got. Before it stops, new
     * bookings and consent actions wait, the mail they caused is awaited, and every inbox is counted;
     * the final count adds these. Bookings resume as soon as GreenMail is down.
     */
    private void snapshotMailBeforeGreenMailStops() throws InterruptedException {
        mailPaused = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (mailOpsInFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        Map<String, Map<String, Integer>> expected = Map.of();
        Map<String, Map<String, Integer>> seen = Map.of();
        boolean settled = false;
        while (System.nanoTime() < deadline) {
            try {
                expected = expectedMails();
                seen = mailboxes();
                if (expected != null && covers(seen, expected)) {
                    settled = true;
                    break;
                }
            } catch (RuntimeException e) {
                log("before stopping GreenMail: %s", e.getMessage());
            }
            Thread.sleep(2000);
        }
        if (!settled) {
            notes.add("GreenMail was stopped before every earlier mail had arrived (" + total(seen) + " of "
                    + (expected == null ? "?" : total(expected)) + " expected after 240 s); a mail accepted between the"
                    + " count and the stop is not counted");
        }
        mailBefore.clear();
        for (Party party : parties()) {
            mailBefore.put(party.email, stack.inbox(party.email));
        }
        log("counted %d mails in GreenMail before stopping it (settled: %s)", total(mailBefore), settled);
    }

    // ------------------------------------------------------------------------------- load

    /** Waits until the phase the item belongs to has begun: the load is spread over the fault schedule. */
    private void awaitRelease(int index, int count, int phases) {
        int release = (int) ((long) index * phases / count);
        while (phase < release) {
            sleep(100);
        }
    }

    private void upload(int index) {
        try {
            awaitRelease(index, UPLOADS, SCHEDULE.length);
            Party patient = patients.get(index % PATIENTS);
            for (int attempt = 0; attempt < MAX_TRIES; attempt++) {
                String title = "fault " + run + " u" + index + " t" + attempt;
                byte[] content = content(title);
                Answer answer = stack.upload(patient, title, content);
                uploadTries.incrementAndGet();
                count(uploadAnswers, answer, "upload");
                if (answer.status() == 201) {
                    JsonNode record = answer.json();
                    acknowledged.put(index, new Upload(index, patient, title, content, record.get("recordId").asText(),
                            record.get("sha256").asText()));
                    return;
                }
                // Nothing reached the gateway when the connection was refused; anything else may have
                // been stored without a 201: such a record must not count as lost, nor its retry as a duplicate.
                if (!answer.refused()) {
                    unacknowledgedTitles.add(title);
                }
                sleep(backoff(attempt));
            }
            uploadsGivenUp.incrementAndGet();
        } catch (RuntimeException e) {
            notes.add("upload " + index + ": " + e);
        }
    }

    private void book(int index) {
        try {
            awaitRelease(index, BOOKINGS, SCHEDULE.length);
            Party patient = patients.get(index % PATIENTS);
            String slotId = slots.get(index)[0];
            boolean uncertain = false;
            for (int attempt = 0; attempt < MAX_TRIES; attempt++) {
                awaitMailOps();
                Answer answer;
                try {
                    answer = stack.postJson("/api/appointments", patient,
                            "{\"slotId\":\"" + slotId + "\",\"reason\":\"fault run " + run + "\"}");
                } finally {
                    mailOpsInFlight.decrementAndGet();
                }
                count(bookingAnswers, answer, "booking");
                if (answer.status() == 201) {
                    booked.put(index, answer.json().get("appointmentId").asText());
                    return;
                }
                if (answer.status() == 409) {
                    // Our own earlier try may have booked the slot without an answer reaching us: the
                    // appointment lists decide afterwards.
                    if (uncertain) {
                        bookingsUncertain.add(index);
                    } else {
                        notes.add("booking " + index + ": 409 on a slot nobody else books: " + answer.text());
                    }
                    return;
                }
                uncertain |= !answer.refused();
                sleep(backoff(attempt));
            }
            bookingsGivenUp.incrementAndGet();
            if (uncertain) {
                bookingsUncertain.add(index);
            }
        } catch (RuntimeException e) {
            notes.add("booking " + index + ": " + e);
        }
    }

    /** Grants in phases 0–4, each even one revoked three phases later once ACTIVE. */
    private void consentLoad() {
        try {
            List<Object[]> actions = new ArrayList<>();
            for (Grant grant : grants) {
                int at = grant.index * 5 / grants.size();
                actions.add(new Object[] {at, grant, false});
                if (grant.revoke) {
                    actions.add(new Object[] {at + 3, grant, true});
                }
            }
            actions.sort((a, b) -> Integer.compare((int) a[0], (int) b[0]));
            for (Object[] action : actions) {
                while (phase < (int) action[0]) {
                    sleep(100);
                }
                Grant grant = (Grant) action[1];
                if ((boolean) action[2]) {
                    revoke(grant);
                } else {
                    grant(grant);
                }
            }
        } catch (RuntimeException e) {
            notes.add("consents: " + e);
        }
    }

    private void grant(Grant grant) {
        String body = "{\"granteeId\":\"" + grant.doctor.id + "\",\"scope\":{\"categories\":[\"" + grant.category
                + "\"]},\"purpose\":\"fault run " + run + "\",\"expiresAt\":\""
                + Instant.now().plus(90, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS) + "\"}";
        for (int attempt = 0; attempt < MAX_TRIES; attempt++) {
            awaitMailOps();
            Answer answer;
            try {
                answer = stack.postJson("/api/consents", grant.patient, body);
            } finally {
                mailOpsInFlight.decrementAndGet();
            }
            count(consentAnswers, answer, "consent");
            if (answer.status() == 202) {
                grant.consentId = answer.json().get("consentId").asText();
                return;
            }
            if (answer.status() == 409 && grant.grantUncertain) {
                return; // an earlier try without an answer created it: found in the patient's list afterwards
            }
            if (answer.status() / 100 == 4 && answer.status() != 408 && answer.status() != 429) {
                notes.add("grant " + grant.index + " refused: " + answer.status() + " " + answer.text());
                return;
            }
            grant.grantUncertain |= !answer.refused();
            sleep(backoff(attempt));
        }
        notes.add("grant " + grant.index + " given up after " + MAX_TRIES + " tries");
    }

    private void revoke(Grant grant) {
        if (grant.consentId == null) {
            grant.revokeProblem = "no consent id (grant not acknowledged)";
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            Answer state = stack.get("/api/consents/" + grant.consentId, grant.patient);
            if (state.status() != 200 || !"ACTIVE".equals(state.json().path("status").asText())) {
                sleep(1000);
                continue;
            }
            awaitMailOps();
            Answer answer;
            try {
                answer = stack.send("DELETE", "/api/consents/" + grant.consentId, grant.patient, null, null);
            } finally {
                mailOpsInFlight.decrementAndGet();
            }
            count(consentAnswers, answer, "consent");
            if (answer.status() == 202) {
                grant.revokeAcknowledged = true;
                return;
            }
            sleep(backoff(attempt));
        }
        grant.revokeProblem = "not revoked: the consent was not ACTIVE, or the DELETE not accepted, within 240 s";
    }

    private void awaitMailOps() {
        while (true) {
            while (mailPaused) {
                sleep(100);
            }
            mailOpsInFlight.incrementAndGet();
            if (!mailPaused) {
                return;
            }
            mailOpsInFlight.decrementAndGet();
        }
    }

    private void progress() {
        while (!loadDone) {
            sleep(15_000);
            log("progress: phase %d, uploads %d acknowledged / %d tries, bookings %d, load %s", phase,
                    acknowledged.size(), uploadTries.get(), booked.size(), FaultStack.loadAverage());
        }
    }

    // ------------------------------------------------------------------------------- checks

    private static final class Report {
        String markdown;
        long lost;
        long duplicated;
    }

    private Report settleAndCheck(double loadEnd) throws Exception {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        // 1. Every acknowledged upload anchored (its proof says so), every consent out of PENDING/REVOKING,
        //    every expected mail there.
        Map<Integer, JsonNode> proofs = new ConcurrentHashMap<>();
        Map<String, Map<String, Integer>> expectedMail = null;
        Map<String, Map<String, Integer>> seenMail = null;
        boolean settled = false;
        long nextLog = 0;
        while (System.nanoTime() < deadline) {
            for (Upload upload : acknowledged.values()) {
                if (!proofs.containsKey(upload.index())) {
                    Answer answer = stack.get("/api/records/" + upload.recordId() + "/proof", upload.patient());
                    if (answer.status() == 200 && "ANCHORED".equals(answer.json().path("status").asText())) {
                        proofs.put(upload.index(), answer.json());
                    }
                }
            }
            try {
                expectedMail = expectedMails();
                seenMail = withBefore(mailboxes());
            } catch (RuntimeException e) {
                expectedMail = null;
                log("settling: %s", e.getMessage());
            }
            boolean mailDone = expectedMail != null && covers(seenMail, expectedMail);
            if (System.nanoTime() > nextLog) {
                log("settling: %d of %d acknowledged uploads anchored, consents settled: %s, mails %d of %d expected;"
                        + " load %s", proofs.size(), acknowledged.size(), expectedMail != null,
                        seenMail == null ? 0 : total(seenMail), expectedMail == null ? -1 : total(expectedMail),
                        FaultStack.loadAverage());
                nextLog = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            }
            if (proofs.size() == acknowledged.size() && mailDone) {
                settled = true;
                break;
            }
            Thread.sleep(3000);
        }
        double settledAt = seconds();
        // A mail sent twice (the sender's resend window after a crash) comes when a 2-minute lease runs
        // out: wait that long after the last fault before counting.
        double wait = timeline.stream().filter(f -> f.component().equals("notification-service"))
                .mapToDouble(f -> f.atS() + f.backS() + 150 - seconds()).max().orElse(0);
        if (wait > 0) {
            log("waiting %.0f s more, so that a mail resent after its lease ran out would arrive", wait);
            Thread.sleep((long) (wait * 1000));
        }
        Map<String, Map<String, Integer>> lastExpected = expectedMail;
        expectedMail = expectedMails();
        if (expectedMail == null) {
            notes.add("a consent was still PENDING or REVOKING when the checks began");
            expectedMail = lastExpected == null ? Map.of() : lastExpected;
        }
        seenMail = withBefore(mailboxes());
        log("checking (settled: %s after %.0f s)", settled, settledAt - loadEnd);

        // 2. Uploads: readable byte for byte; the patient's list holds each title once.
        long uploadLost = 0;
        long uploadDuplicated = 0;
        long storedUnacknowledged = 0;
        List<String> lostUploads = new ArrayList<>();
        Map<String, Integer> titles = new HashMap<>();
        for (Party patient : patients) {
            for (JsonNode record : stack.all("/api/records?patientId=" + patient.id, patient)) {
                titles.merge(record.path("title").asText(), 1, Integer::sum);
            }
        }
        for (Upload upload : acknowledged.values()) {
            Answer content = stack.get("/api/records/" + upload.recordId() + "/content", upload.patient());
            boolean readable = content.status() == 200 && Arrays.equals(content.body(), upload.content());
            if (!readable || !titles.containsKey(upload.title())) {
                uploadLost++;
                lostUploads.add(upload.recordId() + " (content " + content.status() + ", listed "
                        + titles.containsKey(upload.title()) + ")");
            }
        }
        for (Map.Entry<String, Integer> title : titles.entrySet()) {
            if (title.getKey().startsWith("fault " + run + " ") && title.getValue() > 1) {
                uploadDuplicated += title.getValue() - 1;
                notes.add("upload title listed " + title.getValue() + " times: " + title.getKey());
            }
        }
        for (String title : unacknowledgedTitles) {
            if (titles.containsKey(title)) {
                storedUnacknowledged++;
            }
        }

        // 3. Anchors: each proof folds to its root, the root is on chain, the leaf is in exactly one anchored batch.
        // Batch membership as chain-anchor-service stores it: the leaves of a closed batch (anchor_batch.leaves,
        // newer schema), each leaf's stored proof (anchor_proof) and each leaf's batch (anchor_leaf).
        Map<String, String> recordOfLeaf = new HashMap<>();
        acknowledged.values().forEach(u -> recordOfLeaf.put(leaf(u), u.recordId().replace("-", "")));
        Map<String, Set<String>> inAnchored = new HashMap<>();
        Map<String, Set<String>> inOther = new HashMap<>();
        Map<String, Integer> batchStatus = new TreeMap<>();
        List<String> sources = new ArrayList<>();
        for (String[] row : stack.query("SELECT status, COUNT(*) FROM ehr_anchor.anchor_batch GROUP BY status")) {
            batchStatus.put(row[0], Integer.parseInt(row[1]));
        }
        if (!stack.query("SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'ehr_anchor'"
                + " AND TABLE_NAME = 'anchor_batch' AND COLUMN_NAME = 'leaves'").isEmpty()) {
            sources.add("anchor_batch.leaves");
            for (String[] row : stack.query("SELECT LOWER(HEX(batch_id)), status, HEX(leaves)"
                    + " FROM ehr_anchor.anchor_batch WHERE leaves IS NOT NULL")) {
                String leaves = row[2].toLowerCase();
                for (int i = 0; i + 64 <= leaves.length(); i += 64) {
                    String record = recordOfLeaf.get("0x" + leaves.substring(i, i + 64));
                    if (record != null) {
                        ("ANCHORED".equals(row[1]) ? inAnchored : inOther).computeIfAbsent(record,
                                k -> new java.util.HashSet<>()).add(row[0]);
                    }
                }
            }
        }
        for (String table : List.of("anchor_proof", "anchor_leaf")) {
            if (stack.query("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'ehr_anchor'"
                    + " AND TABLE_NAME = '" + table + "'").isEmpty()) {
                continue;
            }
            sources.add(table);
            for (String[] row : stack.query("SELECT LOWER(HEX(t.record_id)), LOWER(HEX(t.batch_id)), b.status"
                    + " FROM ehr_anchor." + table + " t JOIN ehr_anchor.anchor_batch b ON b.batch_id = t.batch_id")) {
                ("ANCHORED".equals(row[2]) ? inAnchored : inOther)
                        .computeIfAbsent(row[0], k -> new java.util.HashSet<>()).add(row[1]);
            }
        }
        long anchorLost = 0;
        long anchorDuplicated = 0;
        List<String> anchorProblems = new ArrayList<>();
        Map<String, Boolean> rootOnChain = new HashMap<>();
        for (Upload upload : acknowledged.values()) {
            String leaf = leaf(upload);
            JsonNode proof = proofs.get(upload.index());
            Set<String> batches = inAnchored.getOrDefault(upload.recordId().replace("-", ""), Set.of());
            int anchoredIn = batches.size();
            if (anchoredIn > 1) {
                anchorDuplicated += anchoredIn - 1;
                anchorProblems.add(upload.recordId() + ": in " + anchoredIn + " anchored batches " + batches);
            }
            if (proof == null) {
                anchorLost++;
                anchorProblems.add(upload.recordId() + ": proof not ANCHORED");
                continue;
            }
            String root = fold(leaf, proof);
            boolean onChain = rootOnChain.computeIfAbsent(root + "@" + proof.get("contractAddress").asText(),
                    k -> anchoredAt(proof.get("contractAddress").asText(), root) != 0);
            if (!leaf.equals(proof.path("leaf").asText()) || !root.equals(proof.path("merkleRoot").asText()) || !onChain
                    || anchoredIn == 0) {
                anchorLost++;
                anchorProblems.add(upload.recordId() + ": leaf " + leaf.equals(proof.path("leaf").asText())
                        + ", folds to root " + root.equals(proof.path("merkleRoot").asText()) + ", root on chain "
                        + onChain + ", in anchored batches " + anchoredIn);
            }
        }

        // 4. Bookings: every 201 is a BOOKED appointment of that patient; no slot holds two.
        Map<String, String[]> appointments = appointments();
        Map<String, Integer> perSlot = new HashMap<>();
        for (String[] appointment : appointments.values()) {
            perSlot.merge(appointment[0], 1, Integer::sum);
        }
        long bookingLost = 0;
        for (String appointmentId : booked.values()) {
            if (!appointments.containsKey(appointmentId)) {
                bookingLost++;
                notes.add("acknowledged appointment " + appointmentId + " is not BOOKED in the patient's list");
            }
        }
        long bookingDuplicated = perSlot.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();
        long bookedUnacknowledged = appointments.size() - booked.size();

        // 5. Mails: per recipient and subject, exactly what the platform's state calls for.
        long mailLost = 0;
        long mailDuplicated = 0;
        long mailExpected = 0;
        List<String> mailProblems = new ArrayList<>();
        for (Party party : parties()) {
            Map<String, Integer> want = expectedMail.getOrDefault(party.email, Map.of());
            Map<String, Integer> got = seenMail.getOrDefault(party.email, Map.of());
            for (String subject : union(want.keySet(), got.keySet())) {
                int w = want.getOrDefault(subject, 0);
                int g = got.getOrDefault(subject, 0);
                mailExpected += w;
                if (g < w) {
                    mailLost += w - g;
                } else if (g > w) {
                    mailDuplicated += g - w;
                }
                if (g != w) {
                    mailProblems.add(party.email + " '" + subject + "': expected " + w + ", arrived " + g);
                }
            }
        }

        // 6. Consents: the intended end state, and the chain agrees with consent-service.
        long consentAttempted = 0;
        long consentAcknowledged = 0;
        long consentLost = 0;
        long consentDiffers = 0;
        List<String> consentProblems = new ArrayList<>();
        Map<String, String[]> chainIds = new HashMap<>();
        for (String[] row : stack.query("SELECT LOWER(HEX(consent_id)), patient_chain_id, grantee_chain_id, scope_hash"
                + " FROM ehr_consent.consent")) {
            chainIds.put(row[0], row);
        }
        String registry = stack.contract("EHR_CONTRACTS_CONSENT_REGISTRY");
        Map<String, Integer> perScope = new HashMap<>();
        for (Party patient : patients) {
            for (JsonNode consent : stack.all("/api/consents?patientId=" + patient.id, patient)) {
                if (!consent.path("purpose").asText().equals("fault run " + run)) {
                    continue;
                }
                String status = consent.path("status").asText();
                String id = consent.get("consentId").asText();
                if (!status.equals("FAILED")) {
                    perScope.merge(patient.id + " " + consent.path("granteeId").asText() + " "
                            + consent.path("scopeHash").asText(), 1, Integer::sum);
                }
                String[] ids = chainIds.get(id.replace("-", ""));
                boolean permitted = ids != null
                        && stack.call(registry, "isPermitted(bytes32,bytes32,bytes32)", ids[1], ids[2], ids[3])
                                .endsWith("1");
                boolean agrees = status.equals("ACTIVE") ? permitted
                        : (status.equals("REVOKED") || status.equals("FAILED") || status.equals("EXPIRED"))
                                && !permitted;
                if (!agrees) {
                    consentDiffers++;
                    consentProblems.add(id + ": consent-service " + status + ", chain isPermitted " + permitted);
                }
            }
        }
        for (Grant grant : grants) {
            consentAttempted += grant.revoke ? 2 : 1;
            Answer state = grant.consentId == null ? null
                    : stack.get("/api/consents/" + grant.consentId, grant.patient);
            String status = state == null || state.status() != 200 ? "?" : state.json().path("status").asText();
            if (grant.consentId != null) {
                consentAcknowledged++;
                String want = grant.revokeAcknowledged ? "REVOKED" : "ACTIVE";
                if (!status.equals(want)) {
                    consentLost++;
                    consentProblems.add(grant.consentId + ": acknowledged, meant to end " + want + ", is " + status);
                }
            }
            if (grant.revokeAcknowledged) {
                consentAcknowledged++;
            }
            if (grant.revokeProblem != null) {
                consentProblems.add("grant " + grant.index + " (" + grant.consentId + "): " + grant.revokeProblem);
            }
        }
        long consentDuplicated = perScope.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();

        Report report = new Report();
        report.lost = uploadLost + anchorLost + bookingLost + mailLost + consentLost + consentDiffers;
        report.duplicated = uploadDuplicated + anchorDuplicated + bookingDuplicated + mailDuplicated
                + consentDuplicated;
        StringBuilder md = new StringBuilder();
        md.append("# Fault injection under load (issue 8)\n\n");
        md.append("Written by `deploy/local/platform faults`"
                + " (`system-tests`, `health.ehr.system.faults.FaultInjectionRun`)"
                + " on ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(", run `").append(run)
                .append("`, stack `").append(stack.state).append("` (gateway ").append(stack.gateway).append(").\n");
        md.append("Two cores shared with other work: times are pessimistic; the load average (1/5/15 min) is given"
                + " beside each fault. ")
                .append(settled ? "Everything settled "
                        : "NOT everything settled within " + SETTLE.toMinutes() + " min, ")
                .append(String.format("%.0f s after the load ended", settledAt - loadEnd)).append(".\n\n");
        md.append("Services' jars (").append(jarsRoot()).append("): ").append(jars()).append(".\n\n");
        md.append("| | attempted | acknowledged | lost | duplicated |\n| --- | ---: | ---: | ---: | ---: |\n");
        md.append(row("uploads (201)", UPLOADS + " (" + uploadTries.get() + " HTTP tries)", acknowledged.size(),
                uploadLost, uploadDuplicated));
        md.append(row("anchors (acknowledged uploads; ANCHORED, on chain, in one anchored batch)", acknowledged.size(),
                proofs.size(), anchorLost, anchorDuplicated));
        md.append(row("bookings (201)", BOOKINGS, booked.size(), bookingLost, bookingDuplicated));
        md.append(row("mails (expected from the appointments and consents the services hold)", mailExpected,
                mailExpected - mailLost, mailLost, mailDuplicated));
        md.append(row("consents (grants + revocations, 202; state on chain = consent-service)", consentAttempted,
                consentAcknowledged, consentLost + consentDiffers, consentDuplicated));
        md.append("\n**Lost: ").append(report.lost).append(", duplicated: ").append(report.duplicated)
                .append(".**\n\n");
        md.append("Answers to upload tries: ").append(new TreeMap<>(counts(uploadAnswers))).append("; uploads given up"
                + " after ").append(MAX_TRIES).append(" tries: ").append(uploadsGivenUp.get())
                .append("; tries without a 201 whose record was stored anyway (not lost, not a duplicate: the client"
                        + " never learnt of it): ").append(storedUnacknowledged).append(".\n");
        md.append("Answers to booking tries: ").append(new TreeMap<>(counts(bookingAnswers)))
                .append("; bookings whose outcome the client did not learn: ").append(bookingsUncertain.size())
                .append("; BOOKED appointments without a 201: ").append(bookedUnacknowledged)
                .append("; given up: ").append(bookingsGivenUp.get()).append(".\n");
        md.append("Answers to consent requests: ").append(new TreeMap<>(counts(consentAnswers)))
                .append("; consents whose state differs from the chain: ").append(consentDiffers).append(".\n");
        md.append("Batches by status: ").append(batchStatus).append(" (membership read from ").append(sources)
                .append("); acknowledged records also in a batch that is not ANCHORED: ")
                .append(inOther.keySet().stream().filter(recordOfLeaf::containsValue).count())
                .append("; distinct roots checked on chain: ").append(rootOnChain.size()).append(".\n\n");
        md.append("## Fault timeline\n\n| # | component | fault | at (s) | down after (s) | back after (s) | load"
                + " at the fault | failed answers in this phase | note |\n"
                + "| ---: | --- | --- | ---: | ---: | ---: | --- | --- | --- |\n");
        md.append("| 0 | (none) | load only | 0 | | | | ").append(failed(0)).append(" | |\n");
        for (Fault fault : timeline) {
            md.append(String.format("| %d | %s | %s | %.0f | %.1f | %.1f | %s | %s | %s |%n", fault.phase(),
                    fault.component(), fault.action(), fault.atS(), fault.downS(), fault.backS(), fault.load(),
                    failed(fault.phase()), fault.note()));
        }
        if (failedByPhase.containsKey(SCHEDULE.length)) {
            md.append("| | (after the last fault) | | | | | | ").append(failed(SCHEDULE.length)).append(" | |\n");
        }
        md.append("\n\"at\": seconds since the run started; \"down after\": until the platform script had the"
                + " component stopped; \"back after\": until `platform up` saw it ready again (downtime"
                + " included). The load ran ").append(String.format("%.0f s", loadEnd))
                .append(" in all, spread over the phases.\n\n");
        if (!mailBefore.isEmpty()) {
            md.append("GreenMail keeps mail in memory, so a stop forgets it: before the stop, new bookings and"
                    + " consent actions waited, the mail so far was awaited and counted (").append(total(mailBefore))
                    .append(" mails), and that count is added to what arrived after the restart.\n");
        }
        if (timeline.stream().anyMatch(f -> f.component().equals("anvil"))) {
            md.append("Anvil was stopped with `platform down anvil` (SIGTERM; anvil writes its `--state` file on"
                    + " exit) and started again with `platform up anvil`, which loads it: the chain was unreachable"
                    + " for the outage and kept its state (see the block numbers above); it was not replaced by a"
                    + " fresh chain.\n");
        }
        md.append('\n');
        List<String> problems = new ArrayList<>();
        failedByPhase.forEach((k, failed) -> failed.forEach((key, n) -> {
            if (key.endsWith(" 500")) {
                problems.add(n.get() + " " + key.replace(" 500", "") + " tries answered 500 in phase " + k + " ("
                        + (k < SCHEDULE.length ? SCHEDULE[k][1] + " " + SCHEDULE[k][0] : "after the faults")
                        + "): a server error where an outage should answer 503 (nothing was lost: the tries were"
                        + " repeated)");
            }
        }));
        problems.addAll(lostUploads.stream().map(p -> "upload lost: " + p).toList());
        problems.addAll(anchorProblems.stream().map(p -> "anchor: " + p).toList());
        problems.addAll(mailProblems.stream().map(p -> "mail: " + p).toList());
        problems.addAll(consentProblems.stream().map(p -> "consent: " + p).toList());
        problems.addAll(notes);
        if (!problems.isEmpty()) {
            md.append("## Findings\n\n");
            for (String problem : problems.subList(0, Math.min(problems.size(), 200))) {
                md.append("- ").append(problem).append('\n');
            }
            if (problems.size() > 200) {
                md.append("- ... and ").append(problems.size() - 200).append(" more\n");
            }
        }
        report.markdown = md.toString();
        return report;
    }

    /**
     * The mail the services' state calls for, per recipient and subject: a booking mail to both parties
     * of every BOOKED appointment of the run, a consent mail to both parties of every consent that became
     * ACTIVE and another when it was REVOKED. Null while a consent is still PENDING or REVOKING.
     */
    private Map<String, Map<String, Integer>> expectedMails() {
        Map<String, Map<String, Integer>> expected = new HashMap<>();
        for (String[] appointment : appointments().values()) {
            add(expected, byId.get(appointment[1]).email, BOOKED);
            add(expected, byId.get(appointment[2]).email, BOOKED);
        }
        for (Party patient : patients) {
            for (JsonNode consent : stack.all("/api/consents?patientId=" + patient.id, patient)) {
                if (!consent.path("purpose").asText().equals("fault run " + run)) {
                    continue;
                }
                String status = consent.path("status").asText();
                Party grantee = byId.get(consent.path("granteeId").asText());
                if (status.equals("PENDING") || status.equals("REVOKING")) {
                    return null;
                }
                if (status.equals("ACTIVE") || status.equals("REVOKED")) {
                    add(expected, patient.email, GRANTED);
                    add(expected, grantee.email, GRANTED);
                }
                if (status.equals("REVOKED")) {
                    add(expected, patient.email, REVOKED);
                    add(expected, grantee.email, REVOKED);
                }
            }
        }
        return expected;
    }

    /** BOOKED appointments of the run's slots, from the patients' lists: id → {slotId, patientId, practitionerId}. */
    private Map<String, String[]> appointments() {
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

    private Map<String, Map<String, Integer>> mailboxes() {
        Map<String, Map<String, Integer>> seen = new HashMap<>();
        for (Party party : parties()) {
            Map<String, Integer> inbox = stack.inbox(party.email);
            if (!inbox.isEmpty()) {
                seen.put(party.email, new HashMap<>(inbox));
            }
        }
        return seen;
    }

    private Map<String, Map<String, Integer>> withBefore(Map<String, Map<String, Integer>> now) {
        Map<String, Map<String, Integer>> sum = new HashMap<>();
        for (Map<String, Map<String, Integer>> part : List.of(now, mailBefore)) {
            part.forEach((email, subjects) -> subjects.forEach((subject, n) -> sum
                    .computeIfAbsent(email, k -> new HashMap<>()).merge(subject, n, Integer::sum)));
        }
        return sum;
    }

    private static boolean covers(Map<String, Map<String, Integer>> seen, Map<String, Map<String, Integer>> expected) {
        for (Map.Entry<String, Map<String, Integer>> entry : expected.entrySet()) {
            for (Map.Entry<String, Integer> subject : entry.getValue().entrySet()) {
                if (seen.getOrDefault(entry.getKey(), Map.of()).getOrDefault(subject.getKey(), 0)
                        < subject.getValue()) {
                    return false;
                }
            }
        }
        return true;
    }

    private List<Party> parties() {
        List<Party> all = new ArrayList<>(patients);
        all.addAll(doctors);
        return all;
    }

    // ------------------------------------------------------------------------------- small helpers

    private long anchoredAt(String contract, String root) {
        String result = stack.call(contract, "anchoredAt(bytes32)", root);
        return Long.parseLong(result.substring(2, 66), 16);
    }

    /** sha256(0x00 || recordId as 16 bytes || sha256 of the content), docs/api.md's leaf. */
    private static String leaf(Upload upload) {
        try {
            UUID id = UUID.fromString(upload.recordId());
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((byte) 0x00);
            sha.update(Ids.bytes(id));
            return "0x" + HexFormat.of().formatHex(sha.digest(MessageDigest.getInstance("SHA-256")
                    .digest(upload.content())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String fold(String leaf, JsonNode proof) {
        try {
            byte[] node = HexFormat.of().parseHex(leaf.substring(2));
            for (JsonNode step : proof.get("proof")) {
                byte[] sibling = HexFormat.of().parseHex(step.get("hash").asText().substring(2));
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                sha.update((byte) 0x01);
                boolean left = "left".equals(step.get("position").asText());
                sha.update(left ? sibling : node);
                node = sha.digest(left ? node : sibling);
            }
            return "0x" + HexFormat.of().formatHex(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] content(String title) {
        byte[] head = ("EHR fault-injection test record: " + title + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] content = Arrays.copyOf(head, head.length + 1024);
        byte[] noise = new byte[1024];
        new Random(title.hashCode()).nextBytes(noise);
        System.arraycopy(noise, 0, content, head.length, noise.length);
        return content;
    }

    /** The checkout whose service jars ran: the frozen copy of faults.sh --frozen-jars, else this one. */
    private Path jarsRoot() {
        String script = LocalStack.env("EHR_FAULTS_PLATFORM", "");
        return script.isEmpty() ? stack.root : Path.of(script).toAbsolutePath().getParent().getParent().getParent();
    }

    private String jars() {
        List<String> built = new ArrayList<>();
        for (String name : List.of("identity-service", "records-service", "consent-service", "appointment-service",
                "notification-service", "chain-anchor-service")) {
            Path jar = jarsRoot().resolve(name + "/target/quarkus-app/app/" + name + "-0.1.0-SNAPSHOT.jar");
            try {
                built.add(name + " " + Files.getLastModifiedTime(jar).toInstant().truncatedTo(ChronoUnit.SECONDS));
            } catch (java.io.IOException e) {
                built.add(name + " ?");
            }
        }
        return String.join(", ", built);
    }

    private String failed(int phase) {
        Map<String, AtomicInteger> failed = failedByPhase.getOrDefault(phase, Map.of());
        return failed.isEmpty() ? "none" : new TreeMap<>(counts(failed)).toString().replaceAll("[{}]", "");
    }

    /** Tallies an answer, and a failed one also under the phase (the fault) it came in. */
    private void count(Map<String, AtomicInteger> answers, Answer answer, String kind) {
        String key = answer.status() != 0 ? Integer.toString(answer.status())
                : answer.refused() ? "refused" : "no answer";
        answers.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        if (answer.status() / 100 != 2) {
            failedByPhase.computeIfAbsent(Math.min(phase, SCHEDULE.length), k -> new ConcurrentHashMap<>())
                    .computeIfAbsent(kind + " " + key, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    private static Map<String, Integer> counts(Map<String, AtomicInteger> answers) {
        Map<String, Integer> plain = new HashMap<>();
        answers.forEach((k, v) -> plain.put(k, v.get()));
        return plain;
    }

    private static void add(Map<String, Map<String, Integer>> mails, String email, String subject) {
        mails.computeIfAbsent(email, k -> new HashMap<>()).merge(subject, 1, Integer::sum);
    }

    private static long total(Map<String, Map<String, Integer>> mails) {
        return mails.values().stream().flatMap(m -> m.values().stream()).mapToLong(Integer::longValue).sum();
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    private static String row(String what, Object attempted, long acknowledged, long lost, long duplicated) {
        return "| " + what + " | " + attempted + " | " + acknowledged + " | " + lost + " | " + duplicated + " |\n";
    }

    /** 1, 2, 4 s, then 5 s between tries. */
    private static long backoff(int attempt) {
        return Math.min(5000, 1000L << Math.min(attempt, 3));
    }

    private double seconds() {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void log(String format, Object... args) {
        System.out.printf("[faults %6.1f s] %s%n", seconds(), String.format(format, args));
    }
}
