package health.ehr.records;

/**
 * What someone other than the patient did with a record, as the access log, the API and the
 * {@code RecordAccessed} event name it. The names are part of each entry's hash: never rename one.
 */
public enum AccessAction {
    /** Read its metadata. */
    READ_METADATA,
    /** Read its decrypted content. */
    READ_CONTENT,
    /** Read its Merkle proof. */
    READ_PROOF,
    /** Had its content hash recomputed and checked. */
    VERIFY,
    /** Saw it in a record list. */
    LIST,
    /** Was granted emergency access to it. */
    EMERGENCY_ACCESS_GRANTED
}
