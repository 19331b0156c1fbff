package health.ehr.records.repository;

import health.ehr.events.Ids;
import health.ehr.events.records.RecordStored;
import health.ehr.records.MedicalRecord;
import health.ehr.support.messaging.OutboxWriter;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Reads and writes {@link MedicalRecord} rows: through Panache, except a new record's insert, which
 * is plain JDBC ({@link #insertStored}).
 */
@ApplicationScoped
public class MedicalRecordRepository implements PanacheRepositoryBase<MedicalRecord, UUID> {

    private static final String INSERT = "INSERT INTO record (record_id, patient_id, author_id, category, title,"
            + " description, content_type, file_name, size, sha256, anchor_status, wrapped_key, kek_id, created_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

    private final DataSource dataSource;
    private final OutboxWriter outbox;

    public MedicalRecordRepository(DataSource dataSource, OutboxWriter outbox) {
        this.dataSource = dataSource;
        this.outbox = outbox;
    }

    /**
     * Inserts a new record and its {@code RecordStored} event in one transaction of its own; on any
     * failure neither is kept.
     *
     * @throws IllegalStateException when the database refuses either row
     */
    public void insertStored(MedicalRecord record, RecordStored event) {
        // The hottest write of the platform, so plain JDBC: one INSERT each for the record and its event
        // and a COMMIT, without the entity manager's flush and the JTA transaction around it, which cost more
        // than encryption and S3 together (docs/benchmarks.md#recordservice-the-uploads-transaction-in-plain-jdbc).
        // The transaction is opened and closed by statements, not by switching the connection's autocommit
        // off and on again: that took two more round trips to MySQL per record (SET autocommit=0 and =1).
        try (Connection connection = dataSource.getConnection(); Statement tx = connection.createStatement()) {
            tx.execute("START TRANSACTION");
            try {
                insert(connection, record);
                outbox.append(connection, event);
                tx.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(tx, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not store the metadata of record " + record.recordId + ": "
                    + e.getMessage(), e);
        }
    }

    /** The category of each of a patient's records in {@code categories}, by record id. */
    public Map<UUID, String> categoriesOf(UUID patientId, List<String> categories) {
        Map<UUID, String> found = new LinkedHashMap<>();
        getEntityManager().createQuery("SELECT r.recordId, r.category FROM MedicalRecord r"
                        + " WHERE r.patientId = :patient AND r.category IN :categories", Object[].class)
                .setParameter("patient", patientId).setParameter("categories", categories).getResultList()
                .forEach(row -> found.put((UUID) row[0], (String) row[1]));
        return found;
    }

    private static void insert(Connection connection, MedicalRecord record) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setBytes(1, Ids.bytes(record.recordId));
            insert.setBytes(2, Ids.bytes(record.patientId));
            insert.setBytes(3, Ids.bytes(record.authorId));
            insert.setString(4, record.category);
            insert.setString(5, record.title);
            insert.setString(6, record.description);
            insert.setString(7, record.contentType);
            insert.setString(8, record.fileName);
            insert.setLong(9, record.size);
            insert.setString(10, record.sha256);
            insert.setString(11, record.anchorStatus.name());
            insert.setBytes(12, record.wrappedKey);
            insert.setString(13, record.kekId);
            // As Hibernate binds an Instant to MySQL: a DATETIME in UTC, whatever the JVM's zone.
            insert.setTimestamp(14, Timestamp.from(record.createdAt), Calendar.getInstance(UTC));
            insert.executeUpdate();
        }
    }

    private static void rollbackQuietly(Statement tx, Exception cause) {
        try {
            tx.execute("ROLLBACK");
        } catch (SQLException e) {
            // The connection is broken: MySQL rolls the transaction back when it closes.
            cause.addSuppressed(e);
        }
    }
}
