package health.ehr.exchange;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One exchange request, in or out, accepted or refused; nothing about patients. */
@Entity
@Table(name = "exchange_request_log")
public class ExchangeRequestLog {

    /** Which way the request went. */
    public enum Direction {
        IN, OUT
    }

    /** What became of it at the door (or, outgoing, at the peer). */
    public enum Outcome {
        ACCEPTED, REFUSED
    }

    @Id
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "log_id")
    public UUID logId;

    @Column(name = "direction")
    public String direction;

    /** The peer organisation; for a refused incoming request, the issuer it claimed (if it got that far). */
    @Column(name = "peer_organization_id")
    public String peerOrganizationId;

    @Column(name = "party_id")
    public String partyId;

    @Column(name = "method")
    public String method;

    @Column(name = "path")
    public String path;

    @Column(name = "outcome")
    public String outcome;

    @Column(name = "reason")
    public String reason;

    @Column(name = "detail")
    public String detail;

    @Column(name = "at")
    public Instant at;
}
