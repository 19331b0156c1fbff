package health.ehr.consent.service;

import static health.ehr.events.Ids.bytes;

import health.ehr.consent.client.ConsentChain;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Hands out a patient's ConsentRegistry nonces, one per signed grant or revocation, in order and
 * never twice while the previous one is in flight.
 *
 * <p>{@link #allocate} locks the patient's {@code patient_nonce} row ({@code SELECT … FOR UPDATE}) in
 * the caller's transaction, so concurrent requests of one patient queue there, and answers
 * {@code max(stored next, ConsentRegistry.nonces(patient))}: the stored value covers commands still
 * on their way to the chain, the chain's value covers signatures used elsewhere (e.g. the patient's
 * own wallet). If the transaction rolls back (a refused signature, say) the nonce is not used.
 * When chain-anchor-service reports a command as failed, {@link #release} lowers the stored next
 * nonce to the failed one, so that the patient's next signature does not wait on a gap the chain
 * will never fill.
 */
@ApplicationScoped
public class NonceAllocator {

    private final EntityManager em;
    private final ConsentChain chain;

    public NonceAllocator(EntityManager em, ConsentChain chain) {
        this.em = em;
        this.chain = chain;
    }

    /** The nonce the patient's next signature must use, without reserving it (for a wallet to sign). */
    public long peek(UUID patientId, String patientChainId) {
        @SuppressWarnings("unchecked")
        List<Number> stored = em.createNativeQuery("SELECT next_nonce FROM patient_nonce WHERE patient_id = ?1")
                .setParameter(1, bytes(patientId)).getResultList();
        long fromChain = chain.nonce(patientChainId);
        return Math.max(stored.isEmpty() ? 0 : stored.get(0).longValue(), fromChain);
    }

    /** Reserves the patient's next nonce; the row stays locked until the caller's transaction ends. */
    @Transactional(Transactional.TxType.MANDATORY)
    public long allocate(UUID patientId, String patientChainId) {
        // The row is created in a transaction of its own: two first requests inserting it inside
        // theirs would each hold a shared lock on the duplicate key and deadlock on FOR UPDATE.
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("INSERT IGNORE INTO patient_nonce"
                        + " (patient_id, patient_chain_id, next_nonce, updated_at) VALUES (?1, ?2, 0, ?3)")
                .setParameter(1, bytes(patientId)).setParameter(2, patientChainId).setParameter(3, Instant.now())
                .executeUpdate());
        long stored = ((Number) em.createNativeQuery("SELECT next_nonce FROM patient_nonce WHERE patient_id = ?1"
                        + " FOR UPDATE").setParameter(1, bytes(patientId)).getSingleResult()).longValue();
        long next = Math.max(stored, chain.nonce(patientChainId));
        em.createNativeQuery("UPDATE patient_nonce SET next_nonce = ?1, updated_at = ?2 WHERE patient_id = ?3")
                .setParameter(1, next + 1).setParameter(2, Instant.now()).setParameter(3, bytes(patientId))
                .executeUpdate();
        return next;
    }

    /** A command with {@code nonce} failed: its nonce may be handed out again. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void release(UUID patientId, long nonce) {
        em.createNativeQuery("UPDATE patient_nonce SET next_nonce = LEAST(next_nonce, ?1), updated_at = ?2"
                        + " WHERE patient_id = ?3")
                .setParameter(1, nonce).setParameter(2, Instant.now()).setParameter(3, bytes(patientId))
                .executeUpdate();
    }
}
