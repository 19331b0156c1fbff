-- records-service: record metadata; content lives encrypted in S3, never here.
CREATE TABLE record (
    record_id     BINARY(16)     NOT NULL PRIMARY KEY,
    patient_id    BINARY(16)     NOT NULL,
    author_id     BINARY(16)     NOT NULL,
    category      VARCHAR(32)    NOT NULL,
    title         VARCHAR(200)   NOT NULL,
    description   VARCHAR(2000)  NULL,
    content_type  VARCHAR(255)   NOT NULL,
    file_name     VARCHAR(255)   NOT NULL,
    size          BIGINT         NOT NULL,
    sha256        VARCHAR(66)    NOT NULL,
    anchor_status VARCHAR(16)    NOT NULL,
    -- The record's Tink streaming-AEAD keyset, encrypted by the key-encryption key kek_id.
    -- NULL once erased: crypto-shredding destroys it.
    wrapped_key   VARBINARY(1024) NULL,
    kek_id        VARCHAR(64)    NULL,
    created_at    DATETIME(6)    NOT NULL,
    erased_at     DATETIME(6)    NULL,
    INDEX record_patient (patient_id, created_at),
    INDEX record_kek (kek_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Append-only, hash-chained access log: each entry's hash covers the previous entry's hash.
CREATE TABLE access_log (
    entry_id    BINARY(16)   NOT NULL PRIMARY KEY,
    patient_id  BINARY(16)   NOT NULL,
    seq         BIGINT       NOT NULL,
    record_id   BINARY(16)   NOT NULL,
    actor_id    BINARY(16)   NOT NULL,
    actor_role  VARCHAR(20)  NOT NULL,
    action      VARCHAR(32)  NOT NULL,
    purpose     VARCHAR(500) NOT NULL,
    emergency   BOOLEAN      NOT NULL,
    at          DATETIME(6)  NOT NULL,
    prev_hash   VARCHAR(66)  NOT NULL,
    hash        VARCHAR(66)  NOT NULL,
    UNIQUE KEY access_log_chain (patient_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The head of each patient's access-log chain; its row lock serialises appends per patient.
CREATE TABLE access_log_head (
    patient_id  BINARY(16)  NOT NULL PRIMARY KEY,
    seq         BIGINT      NOT NULL,
    hash        VARCHAR(66) NOT NULL,
    sealed_seq  BIGINT      NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Time-limited emergency access of a practitioner to one record.
CREATE TABLE emergency_grant (
    grant_id        BINARY(16)   NOT NULL PRIMARY KEY,
    record_id       BINARY(16)   NOT NULL,
    practitioner_id BINARY(16)   NOT NULL,
    reason          VARCHAR(1000) NOT NULL,
    granted_until   DATETIME(6)  NOT NULL,
    created_at      DATETIME(6)  NOT NULL,
    INDEX emergency_lookup (record_id, practitioner_id, granted_until)
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
