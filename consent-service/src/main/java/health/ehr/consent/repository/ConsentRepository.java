package health.ehr.consent.repository;

import static health.ehr.events.Ids.bytes;

import health.ehr.consent.Consent;
import health.ehr.consent.ConsentStatus;
import health.ehr.events.Ids;
import health.ehr.support.rest.Page;
import health.ehr.support.rest.PageRequest;
import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Reads and writes {@link Consent} rows and their coverage items (the consent check's index). */
@ApplicationScoped
public class ConsentRepository implements PanacheRepositoryBase<Consent, UUID> {

    private static final List<ConsentStatus> LIVE = List.of(ConsentStatus.PENDING, ConsentStatus.ACTIVE,
            ConsentStatus.REVOKING);

    /** A page of the patient's consents, newest first. */
    public Page<Consent> pageOfPatient(UUID patientId, PageRequest page) {
        return page(find("patientId", Sort.descending("createdAt", "consentId"), patientId), page);
    }

    /** A page of the consents naming the grantee, newest first. */
    public Page<Consent> pageOfGrantee(UUID granteeId, PageRequest page) {
        return page(find("granteeId", Sort.descending("createdAt", "consentId"), granteeId), page);
    }

    /**
     * The consent, its row locked until the transaction ends. Locks are taken with plain native
     * {@code SELECT … FOR UPDATE}: Hibernate's MySQL 8 dialect writes {@code FOR UPDATE OF}, which
     * MariaDB does not know.
     */
    public Optional<Consent> lock(UUID consentId) {
        List<UUID> ids = lockedIds("SELECT consent_id FROM consent WHERE consent_id = ?1 FOR UPDATE", bytes(consentId));
        return ids.isEmpty() ? Optional.empty() : Optional.ofNullable(findById(consentId));
    }

    /** Whether the patient has a PENDING, ACTIVE or REVOKING consent for this grantee and scope. */
    public boolean liveExists(UUID patientId, UUID granteeId, String scopeHash) {
        return count("patientId = ?1 and granteeId = ?2 and scopeHash = ?3 and status in ?4",
                patientId, granteeId, scopeHash, LIVE) > 0;
    }

    /** Adds the consent's coverage items (written once, with the consent). */
    public void addCoverage(Consent consent, List<String> items) {
        for (String item : items) {
            getEntityManager().createNativeQuery("INSERT INTO consent_coverage (patient_id, grantee_id, item,"
                            + " consent_id) VALUES (?1, ?2, ?3, ?4)")
                    .setParameter(1, bytes(consent.patientId))
                    .setParameter(2, bytes(consent.granteeId))
                    .setParameter(3, item)
                    .setParameter(4, bytes(consent.consentId))
                    .executeUpdate();
        }
    }

    /** The consent a ConsentGranted log carries out (same patient, nonce, grantee, scope and expiry), locked. */
    public Optional<Consent> matchGrant(String patientChainId, long nonce, String granteeChainId, String scopeHash,
            Instant expiresAt) {
        return lockedIds("SELECT consent_id FROM consent WHERE patient_chain_id = ?1 AND grant_nonce = ?2"
                        + " AND grantee_chain_id = ?3 AND scope_hash = ?4 ORDER BY created_at DESC FOR UPDATE",
                patientChainId, nonce, granteeChainId, scopeHash).stream()
                .map(this::findById).filter(c -> c.expiresAt.equals(expiresAt)).findFirst();
    }

    /** The consent whose revocation used this nonce, locked. */
    public Optional<Consent> matchRevoke(String patientChainId, long nonce, String granteeChainId, String scopeHash) {
        return lockedIds("SELECT consent_id FROM consent WHERE patient_chain_id = ?1 AND revoke_nonce = ?2"
                        + " AND grantee_chain_id = ?3 AND scope_hash = ?4 ORDER BY created_at DESC LIMIT 1 FOR UPDATE",
                patientChainId, nonce, granteeChainId, scopeHash).stream().findFirst().map(this::findById);
    }

    /**
     * The granted, not yet revoked consent with this chain key, locked: what a revocation that the
     * platform did not ask for (e.g. sent by the patient's own wallet) removes.
     */
    public Optional<Consent> grantedWithKey(String patientChainId, String granteeChainId, String scopeHash) {
        return lockedIds("SELECT consent_id FROM consent WHERE patient_chain_id = ?1 AND grantee_chain_id = ?2"
                        + " AND scope_hash = ?3 AND status IN ('ACTIVE', 'EXPIRED', 'REVOKING')"
                        + " ORDER BY created_at DESC LIMIT 1 FOR UPDATE",
                patientChainId, granteeChainId, scopeHash).stream().findFirst().map(this::findById);
    }

    /** Ids of ACTIVE consents past their expiry, locked (replicas skip each other's rows). */
    @SuppressWarnings("unchecked")
    public List<UUID> lockExpired(Instant now, int limit) {
        List<byte[]> ids = getEntityManager().createNativeQuery("SELECT consent_id FROM consent"
                        + " WHERE status = 'ACTIVE' AND expires_at <= ?1 ORDER BY expires_at LIMIT " + limit
                        + " FOR UPDATE SKIP LOCKED")
                .setParameter(1, now)
                .getResultList();
        return ids.stream().map(Ids::uuid).toList();
    }

    @SuppressWarnings("unchecked")
    private List<UUID> lockedIds(String sql, Object... params) {
        var query = getEntityManager().createNativeQuery(sql);
        for (int i = 0; i < params.length; i++) {
            query.setParameter(i + 1, params[i]);
        }
        return ((List<byte[]>) query.getResultList()).stream().map(Ids::uuid).toList();
    }

    private static Page<Consent> page(PanacheQuery<Consent> query, PageRequest page) {
        List<Consent> items = query.page(io.quarkus.panache.common.Page.of(page.page, page.size)).list();
        return new Page<>(items, page.page, page.size, query.count());
    }
}
