package health.ehr.consent;

/**
 * Where a consent stands (docs/api.md): {@code PENDING} on its way to the chain, {@code ACTIVE} mined and
 * past the confirmation depth, {@code REVOKING} a revocation on its way, {@code REVOKED} revoked on
 * chain, {@code EXPIRED} past its expiry, {@code FAILED} the grant could not be carried out.
 */
public enum ConsentStatus {
    PENDING, ACTIVE, REVOKING, REVOKED, EXPIRED, FAILED;

    /** Whether a consent in this status still blocks a new one for the same grantee and scope. */
    public boolean live() {
        return this == PENDING || this == ACTIVE || this == REVOKING;
    }
}
