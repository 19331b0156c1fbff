-- notification-service: who can be reached where, what they want, and the delivery log.

-- E-mail addresses of parties, from identity events (PatientRegistered, PractitionerRegistered,
-- ClinicRegistered.contactEmail) or, for a party not seen yet, from identity-service's internal API.
CREATE TABLE recipient (
    party_id   BINARY(16)   NOT NULL PRIMARY KEY,
    role       VARCHAR(16)  NOT NULL,
    email      VARCHAR(254) NOT NULL,
    updated_at DATETIME(6)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A party's mail preferences; no row means the defaults (mail on, the default reminder lead).
CREATE TABLE preference (
    party_id            BINARY(16)  NOT NULL PRIMARY KEY,
    email_enabled       BOOLEAN     NOT NULL,
    reminder_lead_hours INT         NOT NULL,
    updated_at          DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The delivery log, one row per (event, recipient party): never sent twice. The consumer only inserts
-- PENDING rows; the sender claims due rows (FOR UPDATE SKIP LOCKED, then SENDING with a lease),
-- sends, and marks them SENT, or PENDING again with a backoff, or PARKED after the last attempt.
-- SKIPPED: the recipient opted out of this (non-essential) kind of mail.
CREATE TABLE delivery (
    delivery_id     BINARY(16)    NOT NULL PRIMARY KEY,
    event_id        VARCHAR(64)   NOT NULL,
    party_id        BINARY(16)    NOT NULL,
    recipient       VARCHAR(254)  NULL,
    template        VARCHAR(64)   NOT NULL,
    essential       BOOLEAN       NOT NULL,
    model           LONGTEXT      NOT NULL,
    status          VARCHAR(16)   NOT NULL,
    attempts        INT           NOT NULL,
    last_error      VARCHAR(1000) NULL,
    next_attempt_at DATETIME(6)   NOT NULL,
    lease_until     DATETIME(6)   NULL,
    sent_at         DATETIME(6)   NULL,
    created_at      DATETIME(6)   NOT NULL,
    UNIQUE KEY delivery_event_party (event_id, party_id),
    INDEX delivery_due (status, next_attempt_at),
    INDEX delivery_party (party_id, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Idempotent consumers: the ids of the events already applied.
CREATE TABLE processed_event (
    event_id     VARCHAR(64)  NOT NULL PRIMARY KEY,
    processed_at DATETIME(6)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
