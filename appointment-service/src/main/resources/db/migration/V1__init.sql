-- appointment-service: practitioners' slots.
CREATE TABLE slot (
    slot_id         BINARY(16)  NOT NULL PRIMARY KEY,
    practitioner_id BINARY(16)  NOT NULL,
    start_at        DATETIME(6) NOT NULL,
    end_at          DATETIME(6) NOT NULL,
    available       BOOLEAN     NOT NULL,
    created_at      DATETIME(6) NOT NULL,
    INDEX slot_practitioner (practitioner_id, start_at)
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
