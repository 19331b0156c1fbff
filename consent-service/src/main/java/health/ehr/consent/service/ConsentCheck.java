package health.ehr.consent.service;

import static health.ehr.events.Ids.bytes;
import static health.ehr.events.Ids.uuid;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import health.ehr.consent.config.ConsentConfig;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The consent check every record read asks: does the grantee hold an ACTIVE, unexpired consent of
 * the patient covering the category or record? Expiry is compared with the time of the question,
 * not left to the expiry job.
 *
 * <p>Answered from memory: per (patient, grantee) pair the ACTIVE consents and what they cover,
 * loaded from MySQL on first use with one indexed query (the primary key of {@code consent_coverage}
 * joined to {@code consent}) and kept in a bounded cache. The cache follows every change of a
 * consent, whichever replica made it, through a change feed: every {@code consent.check.refresh-interval}
 * one query reads the consents whose {@code updated_at} moved (every status change sets it) and
 * forgets their pairs. The feed re-reads an overlap window ({@code consent.check.feed-overlap}), so a
 * transaction that committed late, or a replica whose clock is a little behind, is still seen; a
 * change made by this replica forgets its pair at once. Should the feed fail, the whole cache is
 * dropped and nothing is cached until the feed works again (the database answers every check). An entry lives
 * at most {@code consent.check.max-age} as a last resort. So a revocation made on any replica stops
 * reads within about the refresh interval.
 *
 * <p>Without category and recordId any consent of the patient for the grantee counts (identity-service
 * asks that way before showing a patient's profile). A category matches scopes {@code all} and
 * categories naming it; a record matches {@code all} and record lists naming it; both together match
 * either. Among several matches the one that expires last is answered.
 *
 * <p>Only consents naming a party of this installation count ({@code grantee_organization_id} NULL): a
 * consent naming another organisation's party is checked on chain by the holder's exchange door, and
 * never permits a read here, whatever that party's id.
 */
@ApplicationScoped
public class ConsentCheck {

    private static final Logger LOG = Logger.getLogger(ConsentCheck.class);

    /** Hibernate stores instants as UTC DATETIME(6); plain JDBC reads and binds them the same way. */
    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");
    private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS")
            .withZone(ZoneOffset.UTC);

    private static final String SELECT = "SELECT c.consent_id, c.expires_at FROM consent_coverage v"
            + " JOIN consent c ON c.consent_id = v.consent_id"
            + " WHERE v.patient_id = ? AND v.grantee_id = ? AND c.grantee_organization_id IS NULL";
    private static final String ACTIVE = " AND c.status = 'ACTIVE' AND c.expires_at > ?"
            + " ORDER BY c.expires_at DESC LIMIT 1";

    /** Every ACTIVE consent of a pair with its items: what the cache holds per pair. */
    private static final String PAIR = "SELECT c.consent_id, c.expires_at, v.item FROM consent_coverage v"
            + " JOIN consent c ON c.consent_id = v.consent_id"
            + " WHERE v.patient_id = ? AND v.grantee_id = ? AND c.status = 'ACTIVE'"
            + " AND c.grantee_organization_id IS NULL";

    /** The change feed: consents whose state moved since a moment. */
    private static final String CHANGED = "SELECT consent_id, patient_id, grantee_id, updated_at FROM consent"
            + " WHERE updated_at >= ?";

    /** A consent that permits the read. */
    public record Grant(UUID consentId, Instant expiresAt) {
    }

    private record Pair(UUID patientId, UUID granteeId) {
    }

    /** One ACTIVE consent of a pair: until when, and the items ('*', 'C:...', 'R:...') it covers. */
    private record Coverage(UUID consentId, Instant expiresAt, Set<String> items) {
    }

    private final AgroalDataSource dataSource;
    private final ConsentConfig.Check settings;
    private final Cache<Pair, List<Coverage>> pairs;
    private final Counter hits;
    private final Counter misses;
    /** Feed rows already acted on inside the overlap window: consent id → updated_at. */
    private final Map<UUID, Instant> seen = new HashMap<>();
    private Instant feedFrom;
    private volatile boolean feedFailing;
    private ScheduledExecutorService feed;

    public ConsentCheck(AgroalDataSource dataSource, ConsentConfig config, MeterRegistry metrics) {
        this.dataSource = dataSource;
        this.settings = config.check();
        this.pairs = Caffeine.newBuilder()
                .maximumSize(settings.cacheSize())
                .expireAfterWrite(settings.maxAge())
                .build();
        this.hits = Counter.builder("consent.check.cache").tag("result", "hit").register(metrics);
        this.misses = Counter.builder("consent.check.cache").tag("result", "miss").register(metrics);
    }

    void onStart(@Observes StartupEvent startup) {
        feedFrom = Instant.now().minus(settings.feedOverlap());
        // Its own thread rather than @Scheduled: Quarkus' scheduler runs nothing more often than once a second.
        feed = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "consent-check-feed");
            thread.setDaemon(true);
            return thread;
        });
        long every = settings.refreshInterval().toMillis();
        feed.scheduleWithFixedDelay(this::followChanges, every, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent shutdown) {
        if (feed != null) {
            feed.shutdownNow();
        }
    }

    /** The SQL of an uncached check with these optional parts (what the benchmark's baseline runs). */
    public static String sql(boolean category, boolean record) {
        int items = (category ? 1 : 0) + (record ? 1 : 0);
        if (items == 0) {
            return SELECT + ACTIVE;
        }
        return SELECT + " AND v.item IN (?" + ", ?".repeat(items) + ")" + ACTIVE;
    }

    /** The bind value of an instant in the check's SQL (as text: see {@link #sql}). */
    public static String datetime(Instant instant) {
        // Connector/J formats a Timestamp parameter with a new SimpleDateFormat per call.
        return DATETIME.format(instant);
    }

    /** The consent permitting the grantee to read, at {@code now}; empty when none does. */
    public Optional<Grant> permitted(UUID patientId, UUID granteeId, String category, UUID recordId, Instant now) {
        Pair pair = new Pair(patientId, granteeId);
        List<Coverage> active = pairs.getIfPresent(pair);
        if (active == null) {
            misses.increment();
            // Cache only while the feed can tell the cache what changed.
            active = feedFailing ? load(pair) : pairs.get(pair, this::load);
        } else {
            hits.increment();
        }
        return decide(active, category, recordId, now);
    }

    /**
     * The answer from memory alone, or {@code null} when the pair is not cached (then {@link #permitted}
     * asks the database): lets the HTTP layer answer on the I/O thread without a hop to a worker.
     */
    public Optional<Grant> permittedIfCached(UUID patientId, UUID granteeId, String category, UUID recordId,
            Instant now) {
        List<Coverage> active = pairs.getIfPresent(new Pair(patientId, granteeId));
        if (active == null) {
            return null;
        }
        hits.increment();
        return decide(active, category, recordId, now);
    }

    private static Optional<Grant> decide(List<Coverage> active, String category, UUID recordId, Instant now) {
        String categoryItem = category == null ? null : Scopes.categoryItem(category);
        String recordItem = recordId == null ? null : Scopes.recordItem(recordId);
        Coverage best = null;
        for (Coverage coverage : active) {
            if (!coverage.expiresAt().isAfter(now)) {
                continue;
            }
            boolean covers = (categoryItem == null && recordItem == null)
                    || coverage.items().contains(Scopes.ALL_ITEM)
                    || (categoryItem != null && coverage.items().contains(categoryItem))
                    || (recordItem != null && coverage.items().contains(recordItem));
            if (covers && (best == null || coverage.expiresAt().isAfter(best.expiresAt()))) {
                best = coverage;
            }
        }
        return best == null ? Optional.empty() : Optional.of(new Grant(best.consentId(), best.expiresAt()));
    }

    /** This replica changed a consent of the pair: forget what the cache knows of it at once. */
    public void forget(UUID patientId, UUID granteeId) {
        pairs.invalidate(new Pair(patientId, granteeId));
    }

    private List<Coverage> load(Pair pair) {
        Map<UUID, Instant> expiries = new LinkedHashMap<>();
        Map<UUID, Set<String>> items = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(PAIR)) {
            statement.setBytes(1, bytes(pair.patientId()));
            statement.setBytes(2, bytes(pair.granteeId()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    UUID consentId = uuid(rows.getBytes(1));
                    expiries.putIfAbsent(consentId, rows.getTimestamp(2, Calendar.getInstance(UTC)).toInstant());
                    items.computeIfAbsent(consentId, id -> new HashSet<>()).add(rows.getString(3));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("consent check failed: " + e.getMessage(), e);
        }
        List<Coverage> active = new ArrayList<>(expiries.size());
        expiries.forEach((id, expiresAt) -> active.add(new Coverage(id, expiresAt, Set.copyOf(items.get(id)))));
        return List.copyOf(active);
    }

    /** One round of the change feed: forget the pairs of consents that changed since the last round. */
    void followChanges() {
        Instant started = Instant.now();
        Instant from = feedFrom;
        int changed = 0;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(CHANGED)) {
            statement.setString(1, datetime(from));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    UUID consentId = uuid(rows.getBytes(1));
                    Instant updatedAt = rows.getTimestamp(4, Calendar.getInstance(UTC)).toInstant();
                    if (!updatedAt.equals(seen.put(consentId, updatedAt))) {
                        pairs.invalidate(new Pair(uuid(rows.getBytes(2)), uuid(rows.getBytes(3))));
                        changed++;
                    }
                }
            }
            Instant keepFrom = started.minus(settings.feedOverlap());
            seen.values().removeIf(updatedAt -> updatedAt.isBefore(keepFrom));
            feedFrom = keepFrom;
            if (feedFailing) {
                LOG.info("consent check: the change feed reads the database again");
                feedFailing = false;
            }
            if (changed > 0) {
                LOG.debugf("consent check: %d consent(s) changed, their pairs forgotten", changed);
            }
        } catch (SQLException | RuntimeException e) {
            // Without the feed the cache could miss a revocation made elsewhere: drop it all.
            pairs.invalidateAll();
            if (!feedFailing) {
                LOG.warnf("consent check: the change feed failed (%s); answering from the database until it works",
                        e.getMessage());
                feedFailing = true;
            }
        }
    }
}
