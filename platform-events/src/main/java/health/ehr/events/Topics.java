package health.ehr.events;

/** The platform's Kafka topic names (docs/architecture.md#events-and-topics); each has a {@code .dlq} twin. */
public final class Topics {

    public static final String IDENTITY = "ehr.identity.v1";
    public static final String RECORDS = "ehr.records.v1";
    public static final String CONSENT = "ehr.consent.v1";
    public static final String APPOINTMENTS = "ehr.appointments.v1";
    public static final String CHAIN_COMMANDS = "ehr.chain.commands.v1";
    public static final String ANCHOR = "ehr.anchor.v1";

    /** Suffix of the dead-letter topic that receives what a consumer of a topic cannot process. */
    public static final String DLQ_SUFFIX = ".dlq";

    private Topics() {
    }

    /** The dead-letter topic of {@code topic}. */
    public static String dlq(String topic) {
        return topic + DLQ_SUFFIX;
    }
}
