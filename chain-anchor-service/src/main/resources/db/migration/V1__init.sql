-- chain-anchor-service: Merkle batches anchored in AnchorRegistry.
CREATE TABLE anchor_batch (
    batch_id         BINARY(16)  NOT NULL PRIMARY KEY,
    merkle_root      VARCHAR(66) NULL,
    leaf_count       INT         NOT NULL,
    status           VARCHAR(16) NOT NULL,
    transaction_hash VARCHAR(66) NULL,
    block_number     BIGINT      NULL,
    gas_used         BIGINT      NULL,
    created_at       DATETIME(6) NOT NULL,
    anchored_at      DATETIME(6) NULL,
    INDEX anchor_batch_status (status, created_at)
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
