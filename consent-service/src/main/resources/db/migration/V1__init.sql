-- consent-service: the off-chain mirror of ConsentRegistry and the requests on their way to it.
CREATE TABLE consent (
    consent_id       BINARY(16)   NOT NULL PRIMARY KEY,
    patient_id       BINARY(16)   NOT NULL,
    grantee_id       BINARY(16)   NOT NULL,
    scope            LONGTEXT     NOT NULL,
    purpose          VARCHAR(500) NOT NULL,
    expires_at       DATETIME(6)  NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    transaction_hash VARCHAR(66)  NULL,
    block_number     BIGINT       NULL,
    created_at       DATETIME(6)  NOT NULL,
    updated_at       DATETIME(6)  NOT NULL,
    INDEX consent_patient (patient_id, created_at),
    INDEX consent_grantee (grantee_id, patient_id, status)
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
