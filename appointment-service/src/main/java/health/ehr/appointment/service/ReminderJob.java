package health.ehr.appointment.service;

import health.ehr.appointment.Appointment;
import health.ehr.appointment.config.AppointmentConfig;
import health.ehr.appointment.repository.AppointmentRepository;
import health.ehr.events.Ids;
import health.ehr.events.appointments.AppointmentReminderDue;
import health.ehr.support.messaging.OutboxWriter;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Emits {@code AppointmentReminderDue} once per appointment, when its reminder is due. One round
 * locks due rows with {@code FOR UPDATE SKIP LOCKED} (replicas and overlapping runs share the
 * work instead of repeating it), sets {@code reminder_sent_at} with a conditional UPDATE and writes
 * the event to the outbox, all in one transaction: a crash before the commit leaves the reminder
 * due, a commit makes it sent for good, also across restarts.
 */
@ApplicationScoped
public class ReminderJob {

    private static final Logger LOG = Logger.getLogger(ReminderJob.class);

    private final AppointmentRepository appointments;
    private final OutboxWriter outbox;
    private final AppointmentConfig config;

    public ReminderJob(AppointmentRepository appointments, OutboxWriter outbox, AppointmentConfig config) {
        this.appointments = appointments;
        this.outbox = outbox;
        this.config = config;
    }

    @Scheduled(every = "${appointment.reminder-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            int sent;
            do {
                sent = emitDue();
            } while (sent == config.reminderBatchSize());
        } catch (RuntimeException e) {
            LOG.warnf("reminder round failed, retried next round: %s", e.getMessage());
        }
    }

    /** One round: claims up to a batch of due reminders and emits their events; returns how many. */
    public int emitDue() {
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = Instant.now();
            List<byte[]> due = appointments.lockDueReminders(now, config.reminderBatchSize());
            int emitted = 0;
            for (byte[] raw : due) {
                UUID id = Ids.uuid(raw);
                if (appointments.claimReminder(id, now) != 1) {
                    continue;
                }
                Appointment a = appointments.findById(id);
                outbox.append(new AppointmentReminderDue(a.appointmentId, a.patientId, a.practitionerId,
                        a.startAt, a.endAt));
                emitted++;
            }
            if (emitted > 0) {
                LOG.infof("emitted %d appointment reminders", emitted);
            }
            return emitted;
        });
    }
}
