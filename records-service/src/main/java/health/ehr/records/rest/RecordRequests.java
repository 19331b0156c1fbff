package health.ehr.records.rest;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * The JSON bodies the records API reads (docs/api.md, Records); uploads are multipart
 * ({@link StreamingMultipart}). Answers: {@link RecordViews}.
 */
public final class RecordRequests {

    private RecordRequests() {
    }

    /** Body of an emergency-access request. */
    public record EmergencyRequest(
            @NotBlank(message = "is required")
            @Size(min = 10, max = 1000, message = "must be 10 to 1000 characters")
            String reason) {
    }
}
