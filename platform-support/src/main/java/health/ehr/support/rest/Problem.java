package health.ehr.support.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * An RFC 9457 problem detail, the body of every error the platform answers with
 * ({@code application/problem+json}); {@code errors} lists field-level validation failures.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance,
        List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://ehr.health/problems/";

    /** One invalid field of a request and what is wrong with it. */
    public record FieldError(String field, String message) {
    }

    /** A problem of the given status, typed by a short slug such as {@code not-found}. */
    public static Problem of(Response.StatusType status, String slug, String detail) {
        return new Problem(TYPE_BASE + slug, status.getReasonPhrase(), status.getStatusCode(), detail, null, null);
    }

    /** The same problem with field errors. */
    public Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(type, title, status, detail, instance, fieldErrors);
    }

    /** A response carrying this problem as {@code application/problem+json}. */
    public Response toResponse() {
        return Response.status(status).type(MEDIA_TYPE).entity(this).build();
    }
}
