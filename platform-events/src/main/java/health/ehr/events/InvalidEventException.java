package health.ehr.events;

/** A message that is not a valid platform CloudEvent; its consumer parks it in the DLQ. */
public class InvalidEventException extends RuntimeException {

    public InvalidEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
