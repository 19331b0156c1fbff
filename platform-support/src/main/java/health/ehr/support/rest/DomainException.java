package health.ehr.support.rest;

import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * A rule of the domain that a request broke. The services throw its subclasses from their
 * {@code service} layer; {@link ProblemMappers} turns each into its problem+json status once.
 */
public class DomainException extends RuntimeException {

    private final Response.Status status;
    private final String slug;
    private final List<Problem.FieldError> errors;

    public DomainException(Response.Status status, String slug, String detail) {
        this(status, slug, detail, null);
    }

    public DomainException(Response.Status status, String slug, String detail, List<Problem.FieldError> errors) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.errors = errors;
    }

    /** Field-level errors, for validation failures found by the domain; may be null. */
    public List<Problem.FieldError> errors() {
        return errors;
    }

    public Response.Status status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    /** 404: the object does not exist, or its existence must not leak to this caller. */
    public static DomainException notFound(String detail) {
        return new DomainException(Response.Status.NOT_FOUND, "not-found", detail);
    }

    /** 403: the caller is known but has no right to this object. */
    public static DomainException forbidden(String detail) {
        return new DomainException(Response.Status.FORBIDDEN, "forbidden", detail);
    }

    /** 409: the request conflicts with the current state. */
    public static DomainException conflict(String detail) {
        return new DomainException(Response.Status.CONFLICT, "conflict", detail);
    }

    /** 400: the request is well-formed but its values are not acceptable. */
    public static DomainException badRequest(String detail) {
        return new DomainException(Response.Status.BAD_REQUEST, "bad-request", detail);
    }

    /** 400 naming one invalid field, like a bean-validation failure. */
    public static DomainException invalidField(String field, String message) {
        return new DomainException(Response.Status.BAD_REQUEST, "validation", "The request has invalid fields.",
                List.of(new Problem.FieldError(field, message)));
    }

    /** 410: the object existed and is gone for good. */
    public static DomainException gone(String detail) {
        return new DomainException(Response.Status.GONE, "gone", detail);
    }
}
