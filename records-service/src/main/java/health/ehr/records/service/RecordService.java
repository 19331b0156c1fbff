package health.ehr.records.service;

import health.ehr.events.Ids;
import health.ehr.events.records.EmergencyAccessUsed;
import health.ehr.events.records.RecordErased;
import health.ehr.events.records.RecordStored;
import health.ehr.records.EmergencyGrant;
import health.ehr.records.MedicalRecord;
import health.ehr.records.client.ObjectStore;
import health.ehr.records.config.RecordsConfig;
import health.ehr.records.repository.EmergencyGrantRepository;
import health.ehr.records.repository.MedicalRecordRepository;
import health.ehr.records.RecordCategory;
import health.ehr.support.messaging.OutboxWriter;
import health.ehr.support.rest.DomainException;
import health.ehr.support.rest.Page;
import health.ehr.support.rest.PageRequest;
import health.ehr.support.security.Caller;
import health.ehr.support.security.Role;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The record lifecycle: streaming upload (multipart → SHA-256 → Tink streaming AEAD → S3, one pass,
 * nothing buffered whole), metadata with its wrapped key and the {@code RecordStored} event in one
 * transaction, reads, crypto-shredding, emergency access and key rotation.
 */
@ApplicationScoped
public class RecordService {

    private static final Logger LOG = Logger.getLogger(RecordService.class);
    private static final int CHUNK = 64 * 1024;
    private static final int FIELD_LIMIT = 4096;

    private final MedicalRecordRepository records;
    private final EmergencyGrantRepository emergencies;
    private final ObjectStore objects;
    private final EnvelopeCipher cipher;
    private final AccessPolicy policy;
    private final AccessLog accessLog;
    private final OutboxWriter outbox;
    private final RecordsConfig config;
    private final DataSource dataSource;

    public RecordService(MedicalRecordRepository records, EmergencyGrantRepository emergencies, ObjectStore objects,
            EnvelopeCipher cipher, AccessPolicy policy, AccessLog accessLog, OutboxWriter outbox,
            RecordsConfig config, DataSource dataSource) {
        this.records = records;
        this.emergencies = emergencies;
        this.objects = objects;
        this.cipher = cipher;
        this.policy = policy;
        this.accessLog = accessLog;
        this.outbox = outbox;
        this.config = config;
        this.dataSource = dataSource;
    }

    /** Stores an uploaded record. The body is read once, as it arrives. */
    public MedicalRecord upload(Caller caller, String contentType, long contentLength, InputStream body) {
        long max = config.maxUploadSize().asLongValue();
        if (contentLength > max) {
            throw tooLarge(max);
        }
        if (contentType == null || !contentType.toLowerCase().startsWith("multipart/form-data")) {
            throw new DomainException(Response.Status.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                    "Upload a record as multipart/form-data.");
        }
        UUID recordId = Ids.timeOrdered();
        Map<String, String> fields = new HashMap<>();
        Stored stored = null;
        try {
            StreamingMultipart parts = new StreamingMultipart(contentType, body, max + 64 * 1024);
            StreamingMultipart.Part part;
            while ((part = parts.next()) != null) {
                if (part.isFormField()) {
                    fields.put(part.fieldName(), readField(part));
                } else if ("file".equals(part.fieldName())) {
                    if (stored != null) {
                        throw DomainException.invalidField("file", "only one file per record");
                    }
                    // Fields sent before the file are checked before anything is stored.
                    if (fields.containsKey("patientId") && fields.containsKey("category")) {
                        authoriseUpload(caller, fields);
                    }
                    stored = store(recordId, part, max);
                }
                // Any other part is skipped by the parser.
            }
            Stored complete = complete(fields, caller, stored);
            return persist(caller, recordId, fields, complete);
        } catch (RuntimeException | IOException e) {
            // Nothing stays behind a failed upload: no metadata row was committed, the object goes.
            if (stored != null || !(e instanceof DomainException)) {
                deleteQuietly(recordId);
            }
            throw translate(e, max);
        }
    }

    private Stored complete(Map<String, String> fields, Caller caller, Stored stored) {
        validate(fields);
        authoriseUpload(caller, fields);
        if (stored == null) {
            throw DomainException.invalidField("file", "is required");
        }
        if (stored.size() == 0) {
            throw DomainException.invalidField("file", "is empty");
        }
        return stored;
    }

    /**
     * The file part through SHA-256 and the record's streaming AEAD into object storage, on the
     * request's own thread; object storage uploads each full part in the background meanwhile.
     */
    private Stored store(UUID recordId, StreamingMultipart.Part part, long max) throws IOException {
        EnvelopeCipher.DataKey key = cipher.newDataKey(recordId);
        MessageDigest sha = sha256();
        ObjectStore.Upload upload = objects.create(objectKey(recordId));
        long size = 0;
        try (InputStream plaintext = part.stream()) {
            OutputStream encrypting = key.encrypting(upload);
            byte[] buffer = new byte[CHUNK];
            int n;
            while ((n = plaintext.read(buffer)) != -1) {
                sha.update(buffer, 0, n);
                size += n;
                encrypting.write(buffer, 0, n);
            }
            encrypting.close(); // the last segment
            upload.close(); // the object is stored (idempotent if the cipher stream closed it already)
        } catch (IOException | RuntimeException e) {
            upload.abort();
            throw e;
        }
        String name = ContentNames.sanitise(part.fileName());
        String type = ContentNames.contentType(part.contentType());
        return new Stored(size, "0x" + HexFormat.of().formatHex(sha.digest()), name, type, key);
    }

    private MedicalRecord persist(Caller caller, UUID recordId, Map<String, String> fields, Stored stored) {
        MedicalRecord record = new MedicalRecord();
        record.recordId = recordId;
        record.patientId = UUID.fromString(fields.get("patientId"));
        record.authorId = caller.partyId();
        record.category = fields.get("category");
        record.title = fields.get("title").strip();
        String description = fields.get("description");
        record.description = description == null || description.isBlank() ? null : description.strip();
        record.contentType = stored.contentType();
        record.fileName = stored.fileName();
        record.size = stored.size();
        record.sha256 = stored.sha256();
        record.anchorStatus = "PENDING";
        record.wrappedKey = stored.key().wrapped();
        record.kekId = stored.key().kekId();
        record.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        // The hottest write of the platform, so plain JDBC: one INSERT each for the record and its event
        // and a COMMIT, without the entity manager's flush and the JTA transaction around it (profiled at
        // 10 KiB: they took more of the request's CPU than the encryption and the upload to S3 together).
        // The transaction is opened and closed by statements, not by switching the connection's autocommit
        // off and on again: that took two more round trips to MySQL per record (SET autocommit=0 and =1).
        try (Connection connection = dataSource.getConnection(); Statement tx = connection.createStatement()) {
            tx.execute("START TRANSACTION");
            try {
                insert(connection, record);
                outbox.append(connection, new RecordStored(recordId, record.patientId, record.authorId,
                        record.sha256, record.size, record.category, record.createdAt));
                tx.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(tx, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not store the metadata of record " + recordId + ": "
                    + e.getMessage(), e);
        }
        LOG.debugf("record %s stored (%d bytes)", recordId, record.size);
        return record;
    }

    private static void rollbackQuietly(Statement tx, Exception cause) {
        try {
            tx.execute("ROLLBACK");
        } catch (SQLException e) {
            // The connection is broken: MySQL rolls the transaction back when it closes.
            cause.addSuppressed(e);
        }
    }

    private static final String INSERT = "INSERT INTO record (record_id, patient_id, author_id, category, title,"
            + " description, content_type, file_name, size, sha256, anchor_status, wrapped_key, kek_id, created_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

    private static void insert(Connection connection, MedicalRecord record) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setBytes(1, OutboxWriter.bytes(record.recordId));
            insert.setBytes(2, OutboxWriter.bytes(record.patientId));
            insert.setBytes(3, OutboxWriter.bytes(record.authorId));
            insert.setString(4, record.category);
            insert.setString(5, record.title);
            insert.setString(6, record.description);
            insert.setString(7, record.contentType);
            insert.setString(8, record.fileName);
            insert.setLong(9, record.size);
            insert.setString(10, record.sha256);
            insert.setString(11, record.anchorStatus);
            insert.setBytes(12, record.wrappedKey);
            insert.setString(13, record.kekId);
            // As Hibernate binds an Instant to MySQL: a DATETIME in UTC, whatever the JVM's zone.
            insert.setTimestamp(14, Timestamp.from(record.createdAt), Calendar.getInstance(UTC));
            insert.executeUpdate();
        }
    }

    /** A record's metadata; non-owner reads are logged. */
    public MedicalRecord metadata(Caller caller, UUID recordId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            MedicalRecord record = find(recordId);
            log(caller, record, "READ_METADATA");
            return record;
        });
    }

    /** The caller's access to a readable record, logged; for content, proof and verify. */
    public ReadableRecord open(Caller caller, UUID recordId, String action) {
        return QuarkusTransaction.requiringNew().call(() -> {
            MedicalRecord record = find(recordId);
            log(caller, record, action);
            return new ReadableRecord(record, record.wrappedKey == null ? null
                    : cipher.unwrap(record.recordId, record.wrappedKey, record.kekId));
        });
    }

    /** The decrypting stream of a record's content; 410 once erased. */
    public InputStream content(ReadableRecord readable) throws Exception {
        if (readable.key() == null) {
            throw DomainException.gone("The record was erased; its content can never be read again.");
        }
        InputStream ciphertext = objects.get(objectKey(readable.record().recordId))
                .orElseThrow(() -> DomainException.gone("The record's content is gone."));
        return readable.key().decrypting(ciphertext);
    }

    /** Recomputes the content hash from storage: the plaintext's SHA-256, or null if it does not decrypt. */
    public String recomputeSha256(ReadableRecord readable) {
        try (InputStream in = content(readable)) {
            MessageDigest sha = sha256();
            byte[] buffer = new byte[CHUNK];
            int n;
            while ((n = in.read(buffer)) != -1) {
                sha.update(buffer, 0, n);
            }
            return "0x" + HexFormat.of().formatHex(sha.digest());
        } catch (DomainException e) {
            throw e;
        } catch (Exception e) {
            LOG.warnf("record %s failed integrity while verifying: %s", readable.record().recordId, e.getMessage());
            return null;
        }
    }

    /**
     * A page of a patient's records that the caller may see (category optional), paged in the
     * database. A grantee's view is worked out from a handful of consent checks, not one per record:
     * one for any consent at all, one per category (covered whole by an {@code all} or a category
     * scope); only records of categories not covered that way are checked one by one, because
     * consent-service answers record-list scopes per record only.
     */
    public Page<MedicalRecord> list(Caller caller, UUID patientId, String category, PageRequest page) {
        UUID patient = patientId != null ? patientId : caller.partyId();
        boolean owner = caller.has(Role.PATIENT) && patient.equals(caller.partyId());
        if (!owner && !(caller.has(Role.PRACTITIONER) || caller.has(Role.CLINIC))) {
            throw DomainException.notFound("No records visible to the caller.");
        }
        if (owner) {
            return QuarkusTransaction.requiringNew().call(() -> {
                String query = "patientId = ?1" + (category != null ? " AND category = ?2" : "")
                        + " ORDER BY createdAt DESC, recordId";
                Object[] params = category != null ? new Object[] {patient, category} : new Object[] {patient};
                var found = records.find(query, params);
                return new Page<>(found.page(page.page, page.size).list(), page.page, page.size, found.count());
            });
        }
        UUID grantee = caller.partyId();
        // Consent checks happen outside the transaction: no database connection waits on consent-service.
        if (!policy.consented(patient, grantee, null, null)) {
            throw DomainException.forbidden("No active consent of this patient covers the caller.");
        }
        List<String> asked = category != null ? List.of(category) : RecordCategory.names();
        List<String> covered = asked.stream().filter(c -> policy.consented(patient, grantee, c, null)).toList();
        List<String> uncovered = asked.stream().filter(c -> !covered.contains(c)).toList();
        List<UUID> listed = new ArrayList<>();
        if (!uncovered.isEmpty()) {
            List<Object[]> candidates = QuarkusTransaction.requiringNew().call(() -> records.getEntityManager()
                    .createQuery("SELECT r.recordId, r.category FROM MedicalRecord r"
                            + " WHERE r.patientId = :patient AND r.category IN :categories", Object[].class)
                    .setParameter("patient", patient).setParameter("categories", uncovered).getResultList());
            for (Object[] candidate : candidates) {
                if (policy.consented(patient, grantee, (String) candidate[1], (UUID) candidate[0])) {
                    listed.add((UUID) candidate[0]);
                }
            }
        }
        if (covered.isEmpty() && listed.isEmpty()) {
            throw DomainException.forbidden("No active consent of this patient covers the caller.");
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            List<String> conditions = new ArrayList<>();
            Map<String, Object> params = new HashMap<>();
            params.put("patient", patient);
            if (!covered.isEmpty()) {
                conditions.add("category IN :covered");
                params.put("covered", covered);
            }
            if (!listed.isEmpty()) {
                conditions.add("recordId IN :listed");
                params.put("listed", listed);
            }
            String where = "patientId = :patient AND (" + String.join(" OR ", conditions) + ")";
            var found = records.find(where + " ORDER BY createdAt DESC, recordId", params);
            List<MedicalRecord> items = found.page(page.page, page.size).list();
            // Each record listed to a grantee is a logged read.
            String role = caller.primaryRole().map(Role::claimValue).orElse("unknown");
            items.forEach(r -> accessLog.append(r.patientId, r.recordId, grantee, role, "LIST", "consent", false));
            return new Page<>(items, page.page, page.size, records.count(where, params));
        });
    }

    /** Crypto-shredding: the data key destroyed, the ciphertext deleted, the metadata a tombstone. */
    public void erase(Caller caller, UUID recordId) {
        MedicalRecord record = QuarkusTransaction.requiringNew().call(() -> {
            MedicalRecord r = find(recordId);
            if (!(caller.has(Role.PATIENT) && r.patientId.equals(caller.partyId()))) {
                throw DomainException.notFound("No record " + recordId + ".");
            }
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            // Conditional update: of two concurrent erasures exactly one shreds and announces it.
            int shredded = records.update("wrappedKey = null, kekId = null, title = '[erased]', description = null,"
                    + " fileName = 'erased', anchorStatus = 'ERASED', erasedAt = ?1"
                    + " WHERE recordId = ?2 AND erasedAt IS NULL", now, recordId);
            if (shredded == 1) {
                outbox.append(new RecordErased(r.recordId, r.patientId, now));
            }
            return r;
        });
        // The key is already gone for good; deleting the ciphertext is tidiness, retried by nothing.
        deleteQuietly(record.recordId);
        LOG.infof("record %s erased", recordId);
    }

    /** A practitioner's audited, time-limited emergency access to one record; the patient is told. */
    public Instant emergencyAccess(Caller caller, UUID recordId, String reason) {
        if (!caller.has(Role.PRACTITIONER)) {
            throw DomainException.forbidden("Only practitioners may use emergency access.");
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            MedicalRecord record = find(recordId);
            EmergencyGrant grant = new EmergencyGrant();
            grant.grantId = Ids.timeOrdered();
            grant.recordId = recordId;
            grant.practitionerId = caller.partyId();
            grant.reason = reason.strip();
            grant.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            grant.grantedUntil = grant.createdAt.plus(config.emergencyAccess());
            emergencies.persist(grant);
            accessLog.append(record.patientId, recordId, caller.partyId(), Role.PRACTITIONER_NAME,
                    "EMERGENCY_ACCESS_GRANTED", "emergency", true);
            outbox.append(new EmergencyAccessUsed(recordId, record.patientId, caller.partyId(), grant.grantedUntil,
                    grant.createdAt));
            LOG.infof("emergency access to record %s until %s", recordId, grant.grantedUntil);
            return grant.grantedUntil;
        });
    }

    /** Re-wraps every data key not under the current key-encryption key; the ciphertext is untouched. */
    public int rotateKeys() {
        String current = cipher.currentKekId();
        int total = 0;
        while (true) {
            int done = QuarkusTransaction.requiringNew().call(() -> {
                List<MedicalRecord> batch = records.find("kekId IS NOT NULL AND kekId <> ?1", current)
                        .page(0, 200).list();
                for (MedicalRecord r : batch) {
                    EnvelopeCipher.DataKey rewrapped = cipher.rewrap(r.recordId, r.wrappedKey, r.kekId);
                    r.wrappedKey = rewrapped.wrapped();
                    r.kekId = rewrapped.kekId();
                }
                return batch.size();
            });
            total += done;
            if (done == 0) {
                LOG.infof("key rotation: %d data keys re-wrapped under %s", total, current);
                return total;
            }
        }
    }

    private MedicalRecord find(UUID recordId) {
        return records.findByIdOptional(recordId)
                .orElseThrow(() -> DomainException.notFound("No record " + recordId + "."));
    }

    private void log(Caller caller, MedicalRecord record, String action) {
        AccessPolicy.Access access = policy.require(caller, record);
        if (!access.owner()) {
            accessLog.append(record.patientId, record.recordId, caller.partyId(), access.role(), action,
                    access.emergency() ? "emergency" : "consent", access.emergency());
        }
    }

    private void authoriseUpload(Caller caller, Map<String, String> fields) {
        validate(fields);
        if (!policy.mayUpload(caller, UUID.fromString(fields.get("patientId")), fields.get("category"))) {
            throw caller.has(Role.PATIENT)
                    ? DomainException.forbidden("A patient may upload records for themselves only.")
                    : DomainException.forbidden("No active consent of this patient covers uploads of this category.");
        }
    }

    private static void validate(Map<String, String> fields) {
        List<health.ehr.support.rest.Problem.FieldError> errors = new ArrayList<>();
        String patientId = fields.get("patientId");
        try {
            if (patientId == null) {
                errors.add(new health.ehr.support.rest.Problem.FieldError("patientId", "is required"));
            } else {
                UUID.fromString(patientId);
            }
        } catch (IllegalArgumentException e) {
            errors.add(new health.ehr.support.rest.Problem.FieldError("patientId", "is not a UUID"));
        }
        String category = fields.get("category");
        if (category == null || !RecordCategory.isValid(category)) {
            errors.add(new health.ehr.support.rest.Problem.FieldError("category", "must be one of " + RecordCategory.names()));
        }
        String title = fields.get("title");
        if (title == null || title.isBlank() || title.length() > 200) {
            errors.add(new health.ehr.support.rest.Problem.FieldError("title", "is required, at most 200 characters"));
        }
        String description = fields.get("description");
        if (description != null && description.length() > 2000) {
            errors.add(new health.ehr.support.rest.Problem.FieldError("description", "is longer than 2000 characters"));
        }
        if (!errors.isEmpty()) {
            throw new DomainException(Response.Status.BAD_REQUEST, "validation", "The request has invalid fields.",
                    errors);
        }
    }

    private static String readField(StreamingMultipart.Part part) throws IOException {
        try (InputStream in = part.stream()) {
            byte[] bytes = in.readNBytes(FIELD_LIMIT + 1);
            if (bytes.length > FIELD_LIMIT) {
                throw DomainException.invalidField(part.fieldName(), "is longer than " + FIELD_LIMIT + " bytes");
            }
            try {
                // Strict: a field that is not UTF-8 is refused, not stored with replacement characters.
                return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                throw DomainException.invalidField(part.fieldName(), "is not valid UTF-8");
            }
        }
    }

    private RuntimeException translate(Exception e, long max) {
        if (e instanceof DomainException domain) {
            return domain;
        }
        if (e instanceof StreamingMultipart.TooLarge) {
            return tooLarge(max);
        }
        if (e instanceof StreamingMultipart.Malformed) {
            return new DomainException(Response.Status.BAD_REQUEST, "malformed-multipart",
                    "The multipart body is malformed: " + e.getMessage());
        }
        if (e instanceof ObjectStore.StorageException) {
            LOG.warnf("object storage failed, nothing kept: %s", e.getMessage());
            return new DomainException(Response.Status.SERVICE_UNAVAILABLE, "storage-unavailable",
                    "Object storage did not accept the upload; nothing was stored. Try again.");
        }
        if (e instanceof RuntimeException runtime) {
            return runtime; // a fault of the service itself: a 500 problem with an error id
        }
        LOG.warnf("upload failed, nothing kept: %s", e.toString());
        return new DomainException(Response.Status.BAD_REQUEST, "upload-failed",
                "The upload did not complete; nothing was stored.");
    }

    private static DomainException tooLarge(long max) {
        return new DomainException(Response.Status.REQUEST_ENTITY_TOO_LARGE, "too-large",
                "A record's content may be at most " + max + " bytes.");
    }

    private void deleteQuietly(UUID recordId) {
        try {
            objects.delete(objectKey(recordId));
        } catch (Exception e) {
            LOG.warnf("could not delete the object of record %s: %s", recordId, e.getMessage());
        }
    }

    static String objectKey(UUID recordId) {
        return "records/" + recordId;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the upload stream produced. */
    record Stored(long size, String sha256, String fileName, String contentType, EnvelopeCipher.DataKey key) {
    }

    /** A record the caller may read, with its unwrapped data key (null once erased). */
    public record ReadableRecord(MedicalRecord record, EnvelopeCipher.DataKey key) {
    }
}
