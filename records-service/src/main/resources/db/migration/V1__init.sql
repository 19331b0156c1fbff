-- records-service: record metadata; content lives encrypted in S3, never here.
CREATE TABLE record (
    record_id     BINARY(16)    NOT NULL PRIMARY KEY,
    patient_id    BINARY(16)    NOT NULL,
    author_id     BINARY(16)    NOT NULL,
    category      VARCHAR(32)   NOT NULL,
    title         VARCHAR(200)  NOT NULL,
    description   VARCHAR(2000) NULL,
    content_type  VARCHAR(255)  NOT NULL,
    size          BIGINT        NOT NULL,
    sha256        VARCHAR(66)   NOT NULL,
    anchor_status VARCHAR(16)   NOT NULL,
    created_at    DATETIME(6)   NOT NULL,
    INDEX record_patient (patient_id, created_at)
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
