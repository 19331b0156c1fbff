package health.ehr.exchange.client;

/**
 * One member's entry in the network's OrganizationRegistry, as the chain holds it. Ids, addresses and
 * the encryption key are lower-case 0x hex; {@code updatedAt} is the block time of its last change.
 */
public record RegisteredOrganization(String organizationId, String name, String endpoint, String signer,
        String encryptionKey, String patientRegistry, String consentRegistry, String anchorRegistry,
        String controller, Status status, long updatedAt) {

    /** A member's status; {@code NONE} means the id was never admitted. */
    public enum Status {
        NONE, ACTIVE, SUSPENDED;

        /** The status of the contract's enum value. */
        public static Status of(int ordinal) {
            Status[] all = values();
            return ordinal >= 0 && ordinal < all.length ? all[ordinal] : NONE;
        }
    }
}
