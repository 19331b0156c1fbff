package health.ehr.system.faults;

import com.fasterxml.jackson.databind.JsonNode;
import health.ehr.support.testing.LocalStack;
import health.ehr.system.faults.FaultStack.Answer;
import health.ehr.system.faults.FaultStack.Party;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load of the fault run and what became of it. 2,000 uploads (about 1 KB each, unique content, 8 at a
 * time) and 200 bookings (2 at a time) are spread over the phases of the {@link FaultSchedule}; the
 * {@link ConsentLoad} grants and revokes beside them. A try is repeated after a failure (backoff 1, 2, 4, 5 s,
 * at most 60 tries). Every answer is tallied per kind, and a failed one also under the phase it came in.
 *
 * <p>Bookings and consent actions cause mail: while the mail is paused (GreenMail is about to stop and its
 * inboxes are counted) they wait in {@link #awaitMailOps}, and {@link #awaitMailOpsInFlight} waits for those
 * already sent.
 */
final class FaultLoad {

    static final int UPLOADS = Integer.parseInt(LocalStack.env("EHR_FAULTS_UPLOADS", "2000"));
    static final int BOOKINGS = Integer.parseInt(LocalStack.env("EHR_FAULTS_BOOKINGS", "200"));
    static final int MAX_TRIES = 60;
    private static final int UPLOAD_CONCURRENCY = 8;
    private static final int BOOKING_CONCURRENCY = 2;

    /** An upload the gateway acknowledged (201). */
    record Upload(int index, Party patient, String title, byte[] content, String recordId, String sha256) {
    }

    private final FaultStack stack;
    private final RunLog log;
    private final String run;
    private final FaultSchedule schedule;
    private final FaultParties parties;
    private volatile boolean mailPaused;
    private final AtomicInteger mailOpsInFlight = new AtomicInteger();
    private volatile boolean loadDone;
    private ExecutorService uploads;
    private ExecutorService bookings;
    private Thread consents;

    // Outcomes, filled by the load threads.
    final Map<Integer, Upload> acknowledged = new ConcurrentHashMap<>();
    final Set<String> unacknowledgedTitles = ConcurrentHashMap.newKeySet();
    final Map<String, AtomicInteger> uploadAnswers = new ConcurrentHashMap<>();
    final AtomicInteger uploadTries = new AtomicInteger();
    final AtomicInteger uploadsGivenUp = new AtomicInteger();
    final Map<Integer, String> booked = new ConcurrentHashMap<>(); // booking index → appointmentId
    final Set<Integer> bookingsUncertain = ConcurrentHashMap.newKeySet();
    final Map<String, AtomicInteger> bookingAnswers = new ConcurrentHashMap<>();
    final AtomicInteger bookingsGivenUp = new AtomicInteger();
    final Map<String, AtomicInteger> consentAnswers = new ConcurrentHashMap<>();
    final Map<Integer, Map<String, AtomicInteger>> failedByPhase = new ConcurrentHashMap<>();

    FaultLoad(FaultStack stack, RunLog log, String run, FaultSchedule schedule, FaultParties parties) {
        this.stack = stack;
        this.log = log;
        this.run = run;
        this.schedule = schedule;
        this.parties = parties;
    }

    /** Starts the load threads; each item waits for its phase. */
    void start() {
        uploads = Executors.newFixedThreadPool(UPLOAD_CONCURRENCY);
        bookings = Executors.newFixedThreadPool(BOOKING_CONCURRENCY);
        ConsentLoad consentLoad = new ConsentLoad(stack, log, run, schedule, parties.grants, this);
        consents = new Thread(consentLoad::run, "consents");
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
    }

    /** Waits until every upload, booking and consent action is done (after the schedule released them all). */
    void awaitEnd() throws InterruptedException {
        uploads.shutdown();
        bookings.shutdown();
        uploads.awaitTermination(60, TimeUnit.MINUTES);
        bookings.awaitTermination(60, TimeUnit.MINUTES);
        consents.join(TimeUnit.MINUTES.toMillis(30));
        loadDone = true;
    }

    /** Waits until the phase the item belongs to has begun: the load is spread over the fault schedule. */
    private void awaitRelease(int index, int count, int phases) {
        int release = (int) ((long) index * phases / count);
        while (schedule.phase() < release) {
            sleep(100);
        }
    }

    private void upload(int index) {
        try {
            awaitRelease(index, UPLOADS, schedule.phases());
            Party patient = parties.patients.get(index % FaultParties.PATIENTS);
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
            log.note("upload " + index + ": " + e);
        }
    }

    private void book(int index) {
        try {
            awaitRelease(index, BOOKINGS, schedule.phases());
            Party patient = parties.patients.get(index % FaultParties.PATIENTS);
            String slotId = parties.slots.get(index)[0];
            boolean uncertain = false;
            for (int attempt = 0; attempt < MAX_TRIES; attempt++) {
                awaitMailOps();
                Answer answer;
                try {
                    answer = stack.postJson("/api/appointments", patient,
                            "{\"slotId\":\"" + slotId + "\",\"reason\":\"fault run " + run + "\"}");
                } finally {
                    mailOpDone();
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
                        log.note("booking " + index + ": 409 on a slot nobody else books: " + answer.text());
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
            log.note("booking " + index + ": " + e);
        }
    }

    // ------------------------------------------------------------------------------- the mail pause

    /** New bookings and consent actions wait from now on (GreenMail is about to stop). */
    void pauseMail() {
        mailPaused = true;
    }

    /** Waits, until the deadline at most, for the bookings and consent actions already sent. */
    void awaitMailOpsInFlight(long deadline) throws InterruptedException {
        while (mailOpsInFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    /** Bookings and consent actions go on (GreenMail is down: what they cause waits for it). */
    void resumeMail() {
        mailPaused = false;
    }

    /** Waits while the mail is paused, then counts a booking or consent action in flight until {@link #mailOpDone}. */
    void awaitMailOps() {
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

    void mailOpDone() {
        mailOpsInFlight.decrementAndGet();
    }

    // ------------------------------------------------------------------------------- small helpers

    private void progress() {
        while (!loadDone) {
            sleep(15_000);
            log.print("progress: phase %d, uploads %d acknowledged / %d tries, bookings %d, load %s",
                    schedule.phase(), acknowledged.size(), uploadTries.get(), booked.size(),
                    FaultStack.loadAverage());
        }
    }

    /** Tallies an answer, and a failed one also under the phase (the fault) it came in. */
    void count(Map<String, AtomicInteger> answers, Answer answer, String kind) {
        String key = answer.status() != 0 ? Integer.toString(answer.status())
                : answer.refused() ? "refused" : "no answer";
        answers.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        if (answer.status() / 100 != 2) {
            failedByPhase.computeIfAbsent(Math.min(schedule.phase(), schedule.phases()),
                    k -> new ConcurrentHashMap<>()).computeIfAbsent(kind + " " + key, k -> new AtomicInteger())
                    .incrementAndGet();
        }
    }

    /** 1, 2, 4 s, then 5 s between tries. */
    static long backoff(int attempt) {
        return Math.min(5000, 1000L << Math.min(attempt, 3));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
}
