package health.ehr.records.service;

import health.ehr.events.Ids;
import health.ehr.events.records.RecordStored;
import health.ehr.records.AnchorStatus;
import health.ehr.records.MedicalRecord;
import health.ehr.records.RecordCategory;
import health.ehr.records.client.ObjectStore;
import health.ehr.records.config.RecordsConfig;
import health.ehr.records.repository.MedicalRecordRepository;
import health.ehr.support.rest.DomainException;
import health.ehr.support.rest.Problem;
import health.ehr.support.security.Caller;
import health.ehr.support.security.Role;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The upload pipeline: a multipart body read once, as it arrives (fields checked, the file part
 * through SHA-256 and Tink streaming AEAD into S3, nothing buffered whole), then the metadata with
 * its wrapped key and the {@code RecordStored} event in one transaction. A failed upload leaves
 * nothing behind.
 */
@ApplicationScoped
public class RecordUpload {

    private static final Logger LOG = Logger.getLogger(RecordUpload.class);
    private static final int FIELD_LIMIT = 4096;

    private final MedicalRecordRepository records;
    private final RecordContent content;
    private final UploadForm.Reader forms;
    private final AccessPolicy policy;
    private final RecordsConfig config;

    public RecordUpload(MedicalRecordRepository records, RecordContent content, UploadForm.Reader forms,
            AccessPolicy policy, RecordsConfig config) {
        this.records = records;
        this.content = content;
        this.forms = forms;
        this.policy = policy;
        this.config = config;
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
            UploadForm parts = forms.open(contentType, body, max + 64 * 1024);
            UploadForm.Part part;
            while ((part = parts.next()) != null) {
                if (part.isFormField()) {
                    fields.put(part.fieldName(), readField(part));
                } else if ("file".equals(part.fieldName())) {
                    if (stored != null) {
                        throw DomainException.invalidField("file", "only one file per record");
                    }
                    // Fields sent before the file are checked before anything is stored.
                    if (fields.containsKey("patientId") && fields.containsKey("category")) {
                        authorise(caller, fields);
                    }
                    stored = store(recordId, part);
                }
                // Any other part is skipped by the parser.
            }
            Stored complete = complete(fields, caller, stored);
            return persist(caller, recordId, fields, complete);
        } catch (RuntimeException | IOException e) {
            // Nothing stays behind a failed upload: no metadata row was committed, the object goes.
            if (stored != null || !(e instanceof DomainException)) {
                content.deleteQuietly(recordId);
            }
            throw translate(e, max);
        }
    }

    private Stored complete(Map<String, String> fields, Caller caller, Stored stored) {
        validate(fields);
        authorise(caller, fields);
        if (stored == null) {
            throw DomainException.invalidField("file", "is required");
        }
        if (stored.content().size() == 0) {
            throw DomainException.invalidField("file", "is empty");
        }
        return stored;
    }

    /** The file part into object storage, on the request's own thread. */
    private Stored store(UUID recordId, UploadForm.Part part) throws IOException {
        RecordContent.Stored stored = content.store(recordId, part.stream());
        return new Stored(stored, ContentNames.sanitise(part.fileName()), ContentNames.contentType(part.contentType()));
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
        record.size = stored.content().size();
        record.sha256 = stored.content().sha256();
        record.anchorStatus = AnchorStatus.PENDING;
        record.wrappedKey = stored.content().key().wrapped();
        record.kekId = stored.content().key().kekId();
        record.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        records.insertStored(record, new RecordStored(recordId, record.patientId, record.authorId, record.sha256,
                record.size, record.category, record.createdAt));
        LOG.debugf("record %s stored (%d bytes)", recordId, record.size);
        return record;
    }

    private void authorise(Caller caller, Map<String, String> fields) {
        validate(fields);
        if (!policy.mayUpload(caller, UUID.fromString(fields.get("patientId")), fields.get("category"))) {
            throw caller.has(Role.PATIENT)
                    ? DomainException.forbidden("A patient may upload records for themselves only.")
                    : DomainException.forbidden("No active consent of this patient covers uploads of this category.");
        }
    }

    private static void validate(Map<String, String> fields) {
        List<Problem.FieldError> errors = new ArrayList<>();
        String patientId = fields.get("patientId");
        try {
            if (patientId == null) {
                errors.add(new Problem.FieldError("patientId", "is required"));
            } else {
                UUID.fromString(patientId);
            }
        } catch (IllegalArgumentException e) {
            errors.add(new Problem.FieldError("patientId", "is not a UUID"));
        }
        String category = fields.get("category");
        if (category == null || !RecordCategory.isValid(category)) {
            errors.add(new Problem.FieldError("category", "must be one of " + RecordCategory.names()));
        }
        String title = fields.get("title");
        if (title == null || title.isBlank() || title.length() > 200) {
            errors.add(new Problem.FieldError("title", "is required, at most 200 characters"));
        }
        String description = fields.get("description");
        if (description != null && description.length() > 2000) {
            errors.add(new Problem.FieldError("description", "is longer than 2000 characters"));
        }
        if (!errors.isEmpty()) {
            throw new DomainException(Response.Status.BAD_REQUEST, "validation", "The request has invalid fields.",
                    errors);
        }
    }

    private static String readField(UploadForm.Part part) throws IOException {
        try (InputStream in = part.stream()) {
            byte[] bytes = in.readNBytes(FIELD_LIMIT + 1);
            if (bytes.length > FIELD_LIMIT) {
                throw DomainException.invalidField(part.fieldName(), "is longer than " + FIELD_LIMIT + " bytes");
            }
            try {
                // Strict: a field that is not UTF-8 is refused, not stored with replacement characters.
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw DomainException.invalidField(part.fieldName(), "is not valid UTF-8");
            }
        }
    }

    private RuntimeException translate(Exception e, long max) {
        if (e instanceof DomainException domain) {
            return domain;
        }
        if (e instanceof UploadForm.TooLarge) {
            return tooLarge(max);
        }
        if (e instanceof UploadForm.Malformed) {
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

    /** What the upload stream produced. */
    private record Stored(RecordContent.Stored content, String fileName, String contentType) {
    }
}
