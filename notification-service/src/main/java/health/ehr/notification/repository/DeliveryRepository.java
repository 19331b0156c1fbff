package health.ehr.notification.repository;

import health.ehr.events.Ids;
import health.ehr.notification.Delivery;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Reads and writes {@link Delivery} rows; the claim and the outcome updates of the sender. */
@ApplicationScoped
public class DeliveryRepository implements PanacheRepositoryBase<Delivery, UUID> {

    /**
     * Adds a delivery unless one exists for the same event and party (the unique key): a
     * redelivered event adds nothing. Returns 1 when the row is new.
     */
    public int insertIfAbsent(Delivery d) {
        return getEntityManager().createNativeQuery("INSERT IGNORE INTO delivery (delivery_id, event_id, party_id,"
                        + " recipient, template, essential, model, status, attempts, next_attempt_at, created_at)"
                        + " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9, ?10)")
                .setParameter(1, Ids.bytes(d.deliveryId)).setParameter(2, d.eventId)
                .setParameter(3, Ids.bytes(d.partyId))
                .setParameter(4, d.recipient).setParameter(5, d.template).setParameter(6, d.essential)
                .setParameter(7, d.model).setParameter(8, d.status.name()).setParameter(9, d.nextAttemptAt)
                .setParameter(10, d.createdAt).executeUpdate();
    }

    /**
     * Claims due mails for this sender: PENDING ones whose time has come, and SENDING ones whose
     * lease ran out (their sender died). Rows another sender has locked are skipped; the claimed
     * rows become SENDING with a lease and one more attempt. Call inside a transaction.
     */
    @SuppressWarnings("unchecked")
    public List<UUID> claimDue(Instant now, Instant leaseUntil, int limit) {
        List<byte[]> ids = getEntityManager().createNativeQuery("SELECT delivery_id FROM delivery"
                        + " WHERE (status = 'PENDING' AND next_attempt_at <= ?1)"
                        + " OR (status = 'SENDING' AND lease_until < ?1)"
                        + " ORDER BY next_attempt_at LIMIT " + limit + " FOR UPDATE SKIP LOCKED")
                .setParameter(1, now).getResultList();
        if (ids.isEmpty()) {
            return List.of();
        }
        getEntityManager().createNativeQuery("UPDATE delivery SET status = 'SENDING', lease_until = ?1,"
                        + " attempts = attempts + 1 WHERE delivery_id IN (?2)")
                .setParameter(1, leaseUntil).setParameter(2, ids).executeUpdate();
        return ids.stream().map(Ids::uuid).toList();
    }

    /** Marks a claimed mail sent; 0 if it was no longer this sender's. */
    public int markSent(UUID id, String recipient, Instant now) {
        return update("status = ?1, sentAt = ?2, recipient = ?3, leaseUntil = null, lastError = null"
                + " where deliveryId = ?4 and status = ?5", Delivery.Status.SENT, now, recipient, id,
                Delivery.Status.SENDING);
    }

    /**
     * Gives a claimed mail back unsent (the sender is stopping): PENDING and due now, its attempt not
     * counted, so that the next sender takes it at once instead of after the lease.
     */
    public int release(UUID id, Instant now) {
        return update("status = ?1, nextAttemptAt = ?2, leaseUntil = null, attempts = attempts - 1"
                + " where deliveryId = ?3 and status = ?4", Delivery.Status.PENDING, now, id, Delivery.Status.SENDING);
    }

    /** Records a failed attempt: PENDING again at {@code next}, or PARKED when {@code park}. */
    public int markFailed(UUID id, String error, boolean park, Instant next) {
        return update("status = ?1, lastError = ?2, nextAttemptAt = ?3, leaseUntil = null"
                + " where deliveryId = ?4 and status = ?5", park ? Delivery.Status.PARKED : Delivery.Status.PENDING,
                error, next, id, Delivery.Status.SENDING);
    }

    /** Makes the mails waiting out a back-off after an SMTP failure due at {@code now}; returns how many. */
    public int retrySmtpFailuresNow(Instant now) {
        return update("nextAttemptAt = ?1 where status = ?2 and nextAttemptAt > ?1 and lastError like 'SMTP:%'", now,
                Delivery.Status.PENDING);
    }
}
