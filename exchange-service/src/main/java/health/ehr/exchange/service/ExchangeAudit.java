package health.ehr.exchange.service;

import health.ehr.exchange.ExchangeRequestLog;
import health.ehr.exchange.repository.ExchangeRequestLogRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The exchange audit: one row per exchange request in either direction, refusals included, written in
 * its own transaction so that a refusal is logged although the request goes no further. Nothing about
 * patients: organisation, party, method, path (no query), outcome, reason.
 */
@ApplicationScoped
public class ExchangeAudit {

    private static final Logger LOG = Logger.getLogger(ExchangeAudit.class);
    private static final int PATH_MAX = 512;
    private static final int DETAIL_MAX = 300;

    private final ExchangeRequestLogRepository repository;

    public ExchangeAudit(ExchangeRequestLogRepository repository) {
        this.repository = repository;
    }

    /** Logs an incoming request the door let through. */
    public void accepted(VerifiedRequest request, String method, String path) {
        write(ExchangeRequestLog.Direction.IN, request.organizationId(), request.partyId(), method, path,
                ExchangeRequestLog.Outcome.ACCEPTED, null, null);
    }

    /** Logs an incoming request the door refused. */
    public void refused(DoorRefusedException refusal, String method, String path) {
        write(ExchangeRequestLog.Direction.IN, refusal.claimedIssuer(), refusal.claimedParty(), method, path,
                ExchangeRequestLog.Outcome.REFUSED, refusal.refusal().slug(), refusal.getMessage());
        LOG.infof("exchange door refused %s %s from %s: %s", method, path, refusal.claimedIssuer(),
                refusal.refusal().slug());
    }

    private void write(ExchangeRequestLog.Direction direction, String peer, String party, String method, String path,
            ExchangeRequestLog.Outcome outcome, String reason, String detail) {
        ExchangeRequestLog row = new ExchangeRequestLog();
        row.logId = UUID.randomUUID();
        row.direction = direction.name();
        row.peerOrganizationId = clip(peer, 66);
        row.partyId = clip(party, 64);
        row.method = clip(method, 10);
        row.path = clip(path, PATH_MAX);
        row.outcome = outcome.name();
        row.reason = reason;
        row.detail = clip(detail, DETAIL_MAX);
        row.at = Instant.now();
        QuarkusTransaction.requiringNew().run(() -> repository.persist(row));
    }

    private static String clip(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
