package health.ehr.records.rest;

import health.ehr.records.AccessAction;
import health.ehr.records.MedicalRecord;
import health.ehr.records.service.AccessLog;
import java.time.Instant;
import java.util.UUID;

/** What the records API answers (docs/api.md, Records). Bodies it reads: {@link RecordRequests}. */
public final class RecordViews {

    private RecordViews() {
    }

    /** The API's {@code Record}. */
    public record RecordView(UUID recordId, UUID patientId, UUID authorId, String category, String title,
            String description, String contentType, long size, String sha256, Instant createdAt,
            String anchorStatus) {

        public static RecordView of(MedicalRecord r) {
            return new RecordView(r.recordId, r.patientId, r.authorId, r.category, r.title, r.description,
                    r.contentType, r.size, r.sha256, r.createdAt, r.anchorStatus.name());
        }
    }

    /** An access-log entry as the patient and auditors see it (with its chain hashes). */
    public record AccessView(UUID recordId, UUID actorId, String actorRole, AccessAction action, String purpose,
            Instant at, boolean emergency, long seq, String hash) {
    }

    /** Answer of an emergency-access request. */
    public record EmergencyGranted(Instant grantedUntil) {
    }

    /** Answer of {@code verify}. */
    public record Verification(UUID recordId, boolean intact, String storedSha256, String computedSha256,
            boolean anchored, Boolean onChainRootMatches) {
    }

    /** Answer of the access-log chain check. */
    public record ChainCheck(UUID patientId, boolean intact, int entries, long firstBrokenSeq, String headHash) {

        public static ChainCheck of(UUID patientId, AccessLog.Verification v) {
            return new ChainCheck(patientId, v.intact(), v.entries(), v.firstBrokenSeq(), v.headHash());
        }
    }

    /** Answer of a key rotation. */
    public record Rotation(int rewrapped, String currentKekId) {
    }
}
