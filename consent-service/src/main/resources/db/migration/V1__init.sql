-- consent-service: the consent requests on their way to ConsentRegistry and the off-chain mirror of
-- the chain's consent state (README.md, "The mirror").

-- One row per consent a patient asked for. status is derived from the applied chain logs
-- (chain_log) and the pending request (revoke_nonce, failure_kind): see ConsentState.
CREATE TABLE consent (
    consent_id                  BINARY(16)    NOT NULL PRIMARY KEY,
    patient_id                  BINARY(16)    NOT NULL,
    grantee_id                  BINARY(16)    NOT NULL,
    scope                       LONGTEXT      NOT NULL,
    scope_hash                  CHAR(66)      NOT NULL,
    purpose                     VARCHAR(500)  NOT NULL,
    expires_at                  DATETIME(6)   NOT NULL,
    status                      VARCHAR(16)   NOT NULL,
    patient_chain_id            CHAR(66)      NOT NULL,
    grantee_chain_id            CHAR(66)      NOT NULL,
    grant_nonce                 BIGINT        NOT NULL,
    grant_command_id            BINARY(16)    NOT NULL,
    signed_by                   VARCHAR(16)   NOT NULL,
    revoke_nonce                BIGINT        NULL,
    revoke_command_id           BINARY(16)    NULL,
    revoke_requested_at         DATETIME(6)   NULL,
    transaction_hash            CHAR(66)      NULL,
    block_number                BIGINT        NULL,
    revocation_transaction_hash CHAR(66)      NULL,
    revocation_block_number     BIGINT        NULL,
    failure_kind                VARCHAR(8)    NULL,
    failure_reason              VARCHAR(1000) NULL,
    created_at                  DATETIME(6)   NOT NULL,
    updated_at                  DATETIME(6)   NOT NULL,
    INDEX consent_patient (patient_id, created_at),
    INDEX consent_grantee (grantee_id, created_at),
    INDEX consent_grant_nonce (patient_chain_id, grant_nonce),
    INDEX consent_revoke_nonce (patient_chain_id, revoke_nonce),
    INDEX consent_chain_key (patient_chain_id, grantee_chain_id, scope_hash),
    INDEX consent_status_expiry (status, expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- What a consent covers, one row per item: '*' (everything), 'C:<CATEGORY>' or 'R:<record uuid>'.
-- The consent check is one lookup on this primary key joined to consent by its primary key.
CREATE TABLE consent_coverage (
    patient_id  BINARY(16)  NOT NULL,
    grantee_id  BINARY(16)  NOT NULL,
    item        VARCHAR(40) NOT NULL,
    consent_id  BINARY(16)  NOT NULL,
    PRIMARY KEY (patient_id, grantee_id, item, consent_id),
    INDEX coverage_consent (consent_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The next ConsentRegistry nonce per patient; the row is locked FOR UPDATE while a nonce is handed out.
CREATE TABLE patient_nonce (
    patient_id       BINARY(16)  NOT NULL PRIMARY KEY,
    patient_chain_id CHAR(66)    NOT NULL,
    next_nonce       BIGINT      NOT NULL,
    updated_at       DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Where the mirror stands: the last block it applied (at most head - confirmations) and its hash.
-- One row; replicas take turns by locking it (FOR UPDATE SKIP LOCKED).
CREATE TABLE mirror_cursor (
    id               TINYINT     NOT NULL PRIMARY KEY,
    chain_id         BIGINT      NOT NULL,
    contract_address CHAR(42)    NOT NULL,
    block_number     BIGINT      NOT NULL,
    block_hash       CHAR(66)    NULL,
    updated_at       DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Hashes of processed blocks (each round's last block and every block with a log), to find the
-- common ancestor after a reorg; anvil and many nodes send no 'removed' logs.
CREATE TABLE mirror_block (
    block_number BIGINT   NOT NULL PRIMARY KEY,
    block_hash   CHAR(66) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every ConsentRegistry log the mirror applied, so that a rollback can undo the logs after the
-- common ancestor and recompute the consents they touched.
CREATE TABLE chain_log (
    block_number     BIGINT      NOT NULL,
    log_index        INT         NOT NULL,
    block_hash       CHAR(66)    NOT NULL,
    transaction_hash CHAR(66)    NOT NULL,
    event            VARCHAR(16) NOT NULL,
    patient_chain_id CHAR(66)    NOT NULL,
    grantee_chain_id CHAR(66)    NOT NULL,
    scope_hash       CHAR(66)    NOT NULL,
    expires_at       BIGINT      NULL,
    nonce            BIGINT      NOT NULL,
    consent_id       BINARY(16)  NULL,
    applied_at       DATETIME(6) NOT NULL,
    PRIMARY KEY (block_number, log_index),
    INDEX chain_log_consent (consent_id, event)
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

-- Idempotent consumers: the ids of the events already applied (platform-support's EventConsumer).
CREATE TABLE processed_event (
    event_id     VARCHAR(64)  NOT NULL PRIMARY KEY,
    processed_at DATETIME(6)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
