package health.ehr.consent;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A patient's consent: the request as signed, and its state as mirrored from ConsentRegistry.
 * {@link #status} is derived (see {@code service.ConsentState}) from the chain logs applied to it
 * and from the request still in flight ({@link #revokeNonce}, {@link #failureKind}).
 */
@Entity
@Table(name = "consent")
public class Consent {

    /** Which command of a consent chain-anchor-service could not carry out. */
    public enum FailureKind { GRANT, REVOKE }

    /** Who signed the grant: identity-service's custodial key, or the patient's own wallet. */
    public enum SignedBy { CUSTODIAL, WALLET }

    @Id
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "consent_id")
    public UUID consentId;

    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "patient_id")
    public UUID patientId;

    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "grantee_id")
    public UUID granteeId;

    /** The scope as JSON ({@code ConsentScope}), normalised (sorted, distinct). */
    @JdbcTypeCode(SqlTypes.LONGVARCHAR)
    @Column(name = "scope")
    public String scope;

    @Column(name = "scope_hash")
    public String scopeHash;

    @Column(name = "purpose")
    public String purpose;

    /** Whole seconds: the chain stores a unix time. */
    @Column(name = "expires_at")
    public Instant expiresAt;

    @Enumerated(EnumType.STRING)
    @Column(name = "status")
    public ConsentStatus status;

    @Column(name = "patient_chain_id")
    public String patientChainId;

    @Column(name = "grantee_chain_id")
    public String granteeChainId;

    /** The grantee's organisation (0x bytes32, OrganizationRegistry) when another installation; null = this one. */
    @Column(name = "grantee_organization_id")
    public String granteeOrganizationId;

    @Column(name = "grant_nonce")
    public long grantNonce;

    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "grant_command_id")
    public UUID grantCommandId;

    @Enumerated(EnumType.STRING)
    @Column(name = "signed_by")
    public SignedBy signedBy;

    /** The nonce of the revocation in flight or applied; null while none was asked for. */
    @Column(name = "revoke_nonce")
    public Long revokeNonce;

    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "revoke_command_id")
    public UUID revokeCommandId;

    @Column(name = "revoke_requested_at")
    public Instant revokeRequestedAt;

    @Column(name = "transaction_hash")
    public String transactionHash;

    @Column(name = "block_number")
    public Long blockNumber;

    @Column(name = "revocation_transaction_hash")
    public String revocationTransactionHash;

    @Column(name = "revocation_block_number")
    public Long revocationBlockNumber;

    @Enumerated(EnumType.STRING)
    @Column(name = "failure_kind")
    public FailureKind failureKind;

    @Column(name = "failure_reason")
    public String failureReason;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
