package health.ehr.consent.testing;

import health.ehr.events.CloudEvent;
import health.ehr.events.EventCodec;
import health.ehr.events.EventData;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The events consent-service wrote to its outbox, read back for assertions. */
@ApplicationScoped
public class OutboxRows {

    private final AgroalDataSource db;
    private final EventCodec codec = new EventCodec();

    public OutboxRows(AgroalDataSource db) {
        this.db = db;
    }

    /** Every event in the outbox that names the consent, oldest first. */
    public List<CloudEvent<EventData>> about(UUID consentId) {
        List<CloudEvent<EventData>> events = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT payload FROM outbox_event WHERE payload LIKE ?"
                        + " ORDER BY created_at, event_id")) {
            s.setString(1, "%\"consentId\":\"" + consentId + "\"%");
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    events.add(codec.read(rs.getString(1).getBytes(StandardCharsets.UTF_8)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return events;
    }

    /** The payloads of one type in the outbox that name the consent, oldest first. */
    public <T> List<T> of(UUID consentId, Class<T> type) {
        return about(consentId).stream().map(CloudEvent::data).filter(type::isInstance).map(type::cast).toList();
    }

    /** Runs an update against consent-service's schema (test set-up). */
    public int update(String sql, Object... params) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a query answering one number against consent-service's schema (inspection). */
    public long count(String sql, Object... params) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
