package health.ehr.exchange.repository;

import health.ehr.exchange.ExchangeRequestLog;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Appends to and reads the exchange audit ({@code exchange_request_log}). */
@ApplicationScoped
public class ExchangeRequestLogRepository implements PanacheRepositoryBase<ExchangeRequestLog, UUID> {
}
