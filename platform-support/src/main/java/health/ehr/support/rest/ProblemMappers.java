package health.ehr.support.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Maps every failure of a request to an RFC 9457 {@code application/problem+json} response, so
 * that no caller ever sees a stack trace or an HTML error page. Unexpected errors are logged with
 * an error id that the response repeats, and nothing else about them leaves the service.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response domain(DomainException e) {
        return Problem.of(e.status(), e.slug(), e.getMessage()).withErrors(e.errors()).toResponse();
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(fieldName(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        return Problem.of(Response.Status.BAD_REQUEST, "validation", "The request has invalid fields.")
                .withErrors(errors).toResponse();
    }

    @ServerExceptionMapper({JsonProcessingException.class, com.fasterxml.jackson.core.JsonParseException.class,
            com.fasterxml.jackson.databind.exc.MismatchedInputException.class,
            com.fasterxml.jackson.databind.exc.InvalidFormatException.class,
            com.fasterxml.jackson.databind.exc.ValueInstantiationException.class})
    public Response malformedJson(JsonProcessingException e) {
        String detail = "The request body is not valid JSON for this endpoint";
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = mapping.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("");
            return Problem.of(Response.Status.BAD_REQUEST, "malformed-body", detail + ".")
                    .withErrors(List.of(new Problem.FieldError(field, "has the wrong type or format")))
                    .toResponse();
        }
        return Problem.of(Response.Status.BAD_REQUEST, "malformed-body", detail + ".").toResponse();
    }

    @ServerExceptionMapper({AuthenticationFailedException.class, UnauthorizedException.class})
    public Response unauthenticated(RuntimeException e) {
        return Response.fromResponse(Problem.of(Response.Status.UNAUTHORIZED, "unauthorized",
                        "A valid bearer token from the realm 'ehr' is required.").toResponse())
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"ehr\"").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return Problem.of(Response.Status.FORBIDDEN, "forbidden",
                "The caller's role does not allow this operation.").toResponse();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        Response original = e.getResponse();
        Response.StatusType status = original.getStatusInfo();
        String slug = status.getReasonPhrase().toLowerCase().replaceAll("[^a-z]+", "-");
        String detail = switch (status.getStatusCode()) {
            case 404 -> "No resource at this path.";
            case 405 -> "This method is not allowed here.";
            case 406 -> "None of the accepted media types can be produced.";
            case 413 -> "The request body is larger than the configured limit.";
            case 415 -> "This media type is not supported here.";
            default -> status.getStatusCode() >= 500 ? status.getReasonPhrase() + "." : safeDetail(e, status);
        };
        Response.ResponseBuilder builder = Response.fromResponse(
                Problem.of(status, slug, detail).toResponse());
        if (original.getHeaderString(HttpHeaders.ALLOW) != null) {
            builder.header(HttpHeaders.ALLOW, original.getHeaderString(HttpHeaders.ALLOW));
        }
        return builder.build();
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e) {
        if (lostDatabase(e)) {
            // The database went away under the request (a restart, a failover): the client may retry.
            LOG.warnf("database unavailable: %s", e.getMessage());
            return Response.fromResponse(Problem.of(Response.Status.SERVICE_UNAVAILABLE, "database-unavailable",
                    "The database is not reachable right now; try again shortly.").toResponse())
                    .header("Retry-After", "5").build();
        }
        if (contention(e)) {
            // The database rolled the transaction back to break a deadlock or a lock wait: nothing was
            // written, and the same request a moment later succeeds.
            LOG.warnf("transaction rolled back by the database (lock contention): %s", e.getMessage());
            return Response.fromResponse(Problem.of(Response.Status.SERVICE_UNAVAILABLE, "busy",
                    "The request met a concurrent one and was not applied; try again.").toResponse())
                    .header("Retry-After", "1").build();
        }
        String errorId = UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected error %s", errorId);
        return Problem.of(Response.Status.INTERNAL_SERVER_ERROR, "internal",
                "An unexpected error occurred; error id " + errorId + ".").toResponse();
    }

    /** Whether a lost or refused database connection caused {@code e} (SQLState class 08, or the driver's or
     * Hibernate's connection exceptions, or the pool unable to hand out a connection). */
    static boolean lostDatabase(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException
                    || t instanceof java.sql.SQLNonTransientConnectionException
                    || t.getClass().getName().endsWith("JDBCConnectionException")
                    || t.getClass().getName().endsWith("CommunicationsException")) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    /** Whether the database rolled the transaction back over a lock: a deadlock (SQLState 40001, MySQL
     * error 1213) or a lock wait timeout (1205), as the driver or Hibernate reports it. */
    static boolean contention(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLTransactionRollbackException
                    || t.getClass().getName().endsWith("LockAcquisitionException")
                    || t.getClass().getName().endsWith("PessimisticLockException")
                    || t.getClass().getName().endsWith("LockTimeoutException")) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql && (sql.getErrorCode() == 1213 || sql.getErrorCode() == 1205
                    || sql.getSQLState() != null && sql.getSQLState().startsWith("40"))) {
                return true;
            }
        }
        return false;
    }

    private static String safeDetail(WebApplicationException e, Response.StatusType status) {
        // The framework's own messages for 4xx are safe (no internals); keep them short.
        String message = e.getMessage();
        if (message == null || message.isBlank() || message.startsWith("HTTP ")) {
            return status.getReasonPhrase() + ".";
        }
        return message.length() > 200 ? message.substring(0, 200) : message;
    }

    private static String fieldName(ConstraintViolation<?> v) {
        // "create.request.email" (method, parameter, field) → "email"; a bare parameter keeps its name.
        String path = v.getPropertyPath().toString();
        String[] parts = path.split("\\.");
        return parts.length > 2 ? String.join(".", java.util.Arrays.copyOfRange(parts, 2, parts.length))
                : parts[parts.length - 1];
    }
}
