-- appointment-service: practitioners' slots and the appointments booked on them.
CREATE TABLE slot (
    slot_id         BINARY(16)  NOT NULL PRIMARY KEY,
    practitioner_id BINARY(16)  NOT NULL,
    start_at        DATETIME(6) NOT NULL,
    end_at          DATETIME(6) NOT NULL,
    -- Booking claims a slot with UPDATE ... SET available = false WHERE available = true (row count 1 wins).
    available       BOOLEAN     NOT NULL,
    created_at      DATETIME(6) NOT NULL,
    INDEX slot_practitioner (practitioner_id, start_at),
    INDEX slot_free (available, start_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE appointment (
    appointment_id   BINARY(16)    NOT NULL PRIMARY KEY,
    slot_id          BINARY(16)    NOT NULL,
    -- The slot while the appointment holds it (BOOKED), NULL otherwise: a second guard, besides the
    -- conditional slot update, that one slot never carries two live appointments.
    booked_slot_id   BINARY(16)    NULL,
    patient_id       BINARY(16)    NOT NULL,
    practitioner_id  BINARY(16)    NOT NULL,
    start_at         DATETIME(6)   NOT NULL,
    end_at           DATETIME(6)   NOT NULL,
    reason           VARCHAR(1000) NULL,
    status           VARCHAR(16)   NOT NULL,
    cancel_reason    VARCHAR(1000) NULL,
    cancelled_by     VARCHAR(16)   NULL,
    reminder_due_at  DATETIME(6)   NOT NULL,
    -- Set once by the reminder job's claim (SELECT ... FOR UPDATE SKIP LOCKED + conditional UPDATE).
    reminder_sent_at DATETIME(6)   NULL,
    created_at       DATETIME(6)   NOT NULL,
    updated_at       DATETIME(6)   NOT NULL,
    UNIQUE KEY appointment_booked_slot (booked_slot_id),
    INDEX appointment_patient (patient_id, start_at),
    INDEX appointment_practitioner (practitioner_id, start_at),
    INDEX appointment_reminder (status, reminder_sent_at, reminder_due_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per party that books or publishes slots; a transaction that checks a party's time overlaps
-- first locks its row (INSERT ... ON DUPLICATE KEY UPDATE takes an exclusive row lock), so two
-- overlapping requests of the same party are serialised by the database, not by the application.
CREATE TABLE party_guard (
    party_id   BINARY(16)  NOT NULL PRIMARY KEY,
    touched_at DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Transactional outbox: rows written in the same transaction as the state they announce; the
-- relay publishes them to Kafka in order and marks them published (at-least-once, consumers dedupe).
CREATE TABLE outbox_event (
    event_id     BINARY(16)   NOT NULL PRIMARY KEY,
    topic        VARCHAR(100) NOT NULL,
    partition_key VARCHAR(64) NOT NULL,
    event_type   VARCHAR(100) NOT NULL,
    payload      LONGTEXT     NOT NULL,
    created_at   DATETIME(6)  NOT NULL,
    published_at DATETIME(6)  NULL,
    INDEX outbox_unpublished (published_at, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Idempotent consumers: the ids of the events already applied.
CREATE TABLE processed_event (
    event_id     VARCHAR(64)  NOT NULL PRIMARY KEY,
    processed_at DATETIME(6)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
