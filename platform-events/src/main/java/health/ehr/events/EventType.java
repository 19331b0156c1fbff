package health.ehr.events;

import health.ehr.events.identity.PatientRegistered;
import health.ehr.events.identity.PractitionerRegistered;
import health.ehr.events.identity.ClinicRegistered;
import health.ehr.events.identity.UserDisabled;
import health.ehr.events.records.RecordStored;
import health.ehr.events.records.RecordAccessed;
import health.ehr.events.records.EmergencyAccessUsed;
import health.ehr.events.records.RecordErased;
import health.ehr.events.records.AuditHeadSealed;
import health.ehr.events.consent.ConsentRequested;
import health.ehr.events.consent.ConsentGranted;
import health.ehr.events.consent.ConsentRevoked;
import health.ehr.events.consent.ConsentExpired;
import health.ehr.events.appointments.AppointmentBooked;
import health.ehr.events.appointments.AppointmentCancelled;
import health.ehr.events.appointments.AppointmentRescheduled;
import health.ehr.events.appointments.AppointmentReminderDue;
import health.ehr.events.chain.RegisterPatient;
import health.ehr.events.chain.GrantConsent;
import health.ehr.events.chain.RevokeConsent;
import health.ehr.events.anchor.BatchAnchorWithdrawn;
import health.ehr.events.anchor.BatchAnchored;
import health.ehr.events.anchor.ChainTransactionFailed;
import health.ehr.events.anchor.PatientRegisteredOnChain;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every event type of the platform: its topic, its versioned CloudEvents type and its payload. */
public enum EventType {
    PATIENT_REGISTERED(Topics.IDENTITY, PatientRegistered.TYPE, PatientRegistered.class),
    PRACTITIONER_REGISTERED(Topics.IDENTITY, PractitionerRegistered.TYPE, PractitionerRegistered.class),
    CLINIC_REGISTERED(Topics.IDENTITY, ClinicRegistered.TYPE, ClinicRegistered.class),
    USER_DISABLED(Topics.IDENTITY, UserDisabled.TYPE, UserDisabled.class),
    RECORD_STORED(Topics.RECORDS, RecordStored.TYPE, RecordStored.class),
    RECORD_ACCESSED(Topics.RECORDS, RecordAccessed.TYPE, RecordAccessed.class),
    EMERGENCY_ACCESS_USED(Topics.RECORDS, EmergencyAccessUsed.TYPE, EmergencyAccessUsed.class),
    RECORD_ERASED(Topics.RECORDS, RecordErased.TYPE, RecordErased.class),
    AUDIT_HEAD_SEALED(Topics.RECORDS, AuditHeadSealed.TYPE, AuditHeadSealed.class),
    CONSENT_REQUESTED(Topics.CONSENT, ConsentRequested.TYPE, ConsentRequested.class),
    CONSENT_GRANTED(Topics.CONSENT, ConsentGranted.TYPE, ConsentGranted.class),
    CONSENT_REVOKED(Topics.CONSENT, ConsentRevoked.TYPE, ConsentRevoked.class),
    CONSENT_EXPIRED(Topics.CONSENT, ConsentExpired.TYPE, ConsentExpired.class),
    APPOINTMENT_BOOKED(Topics.APPOINTMENTS, AppointmentBooked.TYPE, AppointmentBooked.class),
    APPOINTMENT_CANCELLED(Topics.APPOINTMENTS, AppointmentCancelled.TYPE, AppointmentCancelled.class),
    APPOINTMENT_RESCHEDULED(Topics.APPOINTMENTS, AppointmentRescheduled.TYPE, AppointmentRescheduled.class),
    APPOINTMENT_REMINDER_DUE(Topics.APPOINTMENTS, AppointmentReminderDue.TYPE, AppointmentReminderDue.class),
    REGISTER_PATIENT(Topics.CHAIN_COMMANDS, RegisterPatient.TYPE, RegisterPatient.class),
    GRANT_CONSENT(Topics.CHAIN_COMMANDS, GrantConsent.TYPE, GrantConsent.class),
    REVOKE_CONSENT(Topics.CHAIN_COMMANDS, RevokeConsent.TYPE, RevokeConsent.class),
    BATCH_ANCHORED(Topics.ANCHOR, BatchAnchored.TYPE, BatchAnchored.class),
    BATCH_ANCHOR_WITHDRAWN(Topics.ANCHOR, BatchAnchorWithdrawn.TYPE, BatchAnchorWithdrawn.class),
    CHAIN_TRANSACTION_FAILED(Topics.ANCHOR, ChainTransactionFailed.TYPE, ChainTransactionFailed.class),
    PATIENT_REGISTERED_ON_CHAIN(Topics.ANCHOR, PatientRegisteredOnChain.TYPE, PatientRegisteredOnChain.class);

    private static final Map<String, EventType> BY_TYPE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(EventType::type, Function.identity()));

    private final String topic;
    private final String type;
    private final Class<? extends EventData> payload;

    EventType(String topic, String type, Class<? extends EventData> payload) {
        this.topic = topic;
        this.type = type;
        this.payload = payload;
    }

    /** The topic this event is published to. */
    public String topic() {
        return topic;
    }

    /** The CloudEvents {@code type}, with its version, e.g. {@code ehr.records.RecordStored.v1}. */
    public String type() {
        return type;
    }

    /** The payload record carried in {@code data}. */
    public Class<? extends EventData> payload() {
        return payload;
    }

    /** The event type of a CloudEvents {@code type} string, if the platform knows it. */
    public static Optional<EventType> fromType(String type) {
        return Optional.ofNullable(BY_TYPE.get(type));
    }

    /** The event type whose payload is {@code payload}. */
    public static EventType of(Class<?> payload) {
        for (EventType t : values()) {
            if (t.payload == payload) {
                return t;
            }
        }
        throw new IllegalArgumentException("not a registered event payload: " + payload.getName());
    }
}
