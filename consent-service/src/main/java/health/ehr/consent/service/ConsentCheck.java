package health.ehr.consent.service;

import static health.ehr.consent.repository.ConsentRepository.bytes;
import static health.ehr.consent.repository.ConsentRepository.uuid;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.Optional;
import java.util.TimeZone;
import java.util.UUID;

/**
 * The consent check every record read asks: does the grantee hold an ACTIVE, unexpired consent of
 * the patient covering the category or record? One indexed query (the primary key of
 * {@code consent_coverage}, joined to {@code consent} by its primary key), plain JDBC, no
 * persistence context; expiry is compared with the time of the question, not left to the expiry job.
 *
 * <p>Without category and recordId any consent of the patient for the grantee counts (identity-service
 * asks that way before showing a patient's profile). A category matches scopes {@code all} and
 * categories naming it; a record matches {@code all} and record lists naming it; both together match
 * either. Among several matches the one that expires last is answered.
 */
@ApplicationScoped
public class ConsentCheck {

    /** Hibernate stores instants as UTC DATETIME(6); plain JDBC reads and binds them the same way. */
    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");
    private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS")
            .withZone(ZoneOffset.UTC);

    private static final String SELECT = "SELECT c.consent_id, c.expires_at FROM consent_coverage v"
            + " JOIN consent c ON c.consent_id = v.consent_id"
            + " WHERE v.patient_id = ? AND v.grantee_id = ?";
    private static final String ACTIVE = " AND c.status = 'ACTIVE' AND c.expires_at > ?"
            + " ORDER BY c.expires_at DESC LIMIT 1";

    /** A consent that permits the read. */
    public record Grant(UUID consentId, Instant expiresAt) {
    }

    private final AgroalDataSource dataSource;

    public ConsentCheck(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The SQL of a check with these optional parts (also what the benchmark's baseline runs). */
    public static String sql(boolean category, boolean record) {
        int items = (category ? 1 : 0) + (record ? 1 : 0);
        if (items == 0) {
            return SELECT + ACTIVE;
        }
        return SELECT + " AND v.item IN (?" + ", ?".repeat(items) + ")" + ACTIVE;
    }

    /** The consent permitting the grantee to read, at {@code now}; empty when none does. */
    public Optional<Grant> permitted(UUID patientId, UUID granteeId, String category, UUID recordId, Instant now) {
        List<String> items = new ArrayList<>(3);
        if (category != null || recordId != null) {
            items.add(Scopes.ALL_ITEM);
            if (category != null) {
                items.add(Scopes.categoryItem(category));
            }
            if (recordId != null) {
                items.add(Scopes.recordItem(recordId));
            }
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql(category != null, recordId != null))) {
            int i = 1;
            statement.setBytes(i++, bytes(patientId));
            statement.setBytes(i++, bytes(granteeId));
            for (String item : items) {
                statement.setString(i++, item);
            }
            // As text: Connector/J formats a Timestamp parameter with a new SimpleDateFormat per call.
            statement.setString(i, DATETIME.format(now));
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Grant(uuid(rows.getBytes(1)),
                        rows.getTimestamp(2, Calendar.getInstance(UTC)).toInstant()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("consent check failed: " + e.getMessage(), e);
        }
    }
}
