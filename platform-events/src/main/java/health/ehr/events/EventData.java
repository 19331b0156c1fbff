package health.ehr.events;

/**
 * A payload carried in a {@link CloudEvent}'s {@code data}. Every payload names the patient its
 * event concerns, which is the Kafka key, so that one patient's events stay in order.
 */
public interface EventData {

    /** The partition key: the patient id (or, for events without a patient, the subject's id). */
    String partitionKey();
}
