package health.ehr.exchange.client;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The network's member directory, as exchange-service needs it: the on-chain OrganizationRegistry
 * ({@link ChainOrganizationDirectory}) in the service, a fake in unit tests. Reads are of the latest
 * block unless named otherwise; every failure to reach the chain is a
 * {@link health.ehr.contracts.ChainUnavailableException}.
 */
public interface OrganizationDirectory {

    /** Whether a registry is configured at all. */
    boolean configured();

    /** The member's entry; empty when the id was never admitted. */
    Optional<RegisteredOrganization> organization(String organizationId);

    /** Every admitted id, in admission order. */
    List<String> organizationIds();

    /**
     * The chain's own answer whether {@code signer} may sign the member's requests made at
     * {@code signedAt} (unix seconds): the member is ACTIVE and it is the current signer, or a former one
     * rotated out at or after that time.
     */
    boolean isSigner(String organizationId, String signer, long signedAt);

    /** The latest block number. */
    long head();

    /** The hash of block {@code number}, empty when the chain is shorter. */
    Optional<String> blockHash(long number);

    /** The ids of the members whose entries registry events changed in blocks {@code from..to}. */
    Set<String> changedIn(long from, long to);

    /** Rotates the member's signer, sent by its controller; returns the transaction hash once mined. */
    String rotateSigner(String organizationId, String signer);

    /** Publishes the member's new encryption key, sent by its controller; returns the transaction hash. */
    String rotateEncryptionKey(String organizationId, String encryptionKey);

    /** The controller account this service sends with, lower-case 0x hex; empty when none is configured. */
    Optional<String> controllerAddress();
}
