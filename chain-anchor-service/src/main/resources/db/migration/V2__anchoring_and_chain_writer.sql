-- chain-anchor-service: pending leaves and their proofs, the chain writer's transactions and nonces,
-- relayed chain commands. Common subset of MySQL 8 and MariaDB 10.11 (LOCAL-STACK.md).

ALTER TABLE anchor_batch
    ADD COLUMN chain_tx_id   BINARY(16)  NULL,
    ADD COLUMN reorg_count   INT         NOT NULL DEFAULT 0,
    ADD COLUMN failure       VARCHAR(500) NULL;

-- One row per anchored thing (a record or a sealed audit-log head), keyed by its id: a redelivered
-- event cannot add it twice, so each is anchored exactly once. batch_id is NULL while pending.
CREATE TABLE anchor_leaf (
    record_id    BINARY(16)  NOT NULL PRIMARY KEY,
    kind         VARCHAR(16) NOT NULL,
    patient_id   BINARY(16)  NULL,
    content_hash VARCHAR(66) NOT NULL,
    leaf         VARCHAR(66) NOT NULL,
    event_time   DATETIME(6) NOT NULL,
    received_at  DATETIME(6) NOT NULL,
    batch_id     BINARY(16)  NULL,
    INDEX anchor_leaf_pending (batch_id, received_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Each leaf's Merkle proof, written when its batch closes: [{"position":"left|right","hash":"0x.."}].
CREATE TABLE anchor_proof (
    record_id  BINARY(16) NOT NULL PRIMARY KEY,
    batch_id   BINARY(16) NOT NULL,
    leaf_index INT        NOT NULL,
    proof      LONGTEXT   NOT NULL,
    INDEX anchor_proof_batch (batch_id, leaf_index)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The writer's next nonce per sending address; locked (FOR UPDATE) while a nonce is allocated, and
-- only advanced in the transaction that persists the signed transaction using it.
CREATE TABLE writer_nonce (
    from_address VARCHAR(42) NOT NULL PRIMARY KEY,
    next_nonce   BIGINT      NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every transaction the writer signed, persisted before it is first broadcast. raw_tx/tx_hash are
-- the current signature (a fee bump replaces them, same nonce); chain_tx_hash keeps every hash ever
-- broadcast, because any of them may be the one that gets mined.
CREATE TABLE chain_tx (
    tx_id                    BINARY(16)   NOT NULL PRIMARY KEY,
    from_address             VARCHAR(42)  NOT NULL,
    nonce                    BIGINT       NOT NULL,
    purpose                  VARCHAR(32)  NOT NULL,
    subject_id               BINARY(16)   NOT NULL,
    to_address               VARCHAR(42)  NOT NULL,
    call_data                LONGTEXT     NOT NULL,
    gas_limit                BIGINT       NOT NULL,
    max_fee_per_gas          BIGINT       NOT NULL,
    max_priority_fee_per_gas BIGINT       NOT NULL,
    raw_tx                   LONGTEXT     NOT NULL,
    tx_hash                  VARCHAR(66)  NOT NULL,
    status                   VARCHAR(16)  NOT NULL,
    mined_hash               VARCHAR(66)  NULL,
    block_number             BIGINT       NULL,
    block_hash               VARCHAR(66)  NULL,
    gas_used                 BIGINT       NULL,
    succeeded                BOOLEAN      NULL,
    broadcasts               INT          NOT NULL,
    fee_bumps                INT          NOT NULL,
    reorgs                   INT          NOT NULL,
    last_error               VARCHAR(500) NULL,
    created_at               DATETIME(6)  NOT NULL,
    sent_at                  DATETIME(6)  NULL,
    mined_at                 DATETIME(6)  NULL,
    confirmed_at             DATETIME(6)  NULL,
    UNIQUE KEY chain_tx_nonce (from_address, nonce),
    INDEX chain_tx_status (status, nonce),
    INDEX chain_tx_subject (subject_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE chain_tx_hash (
    tx_hash                  VARCHAR(66) NOT NULL PRIMARY KEY,
    tx_id                    BINARY(16)  NOT NULL,
    max_fee_per_gas          BIGINT      NOT NULL,
    max_priority_fee_per_gas BIGINT      NOT NULL,
    created_at               DATETIME(6) NOT NULL,
    INDEX chain_tx_hash_tx (tx_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Chain commands from ehr.chain.commands.v1, in arrival order (seq), relayed one patient at a time.
CREATE TABLE chain_command (
    command_id   BINARY(16)    NOT NULL PRIMARY KEY,
    seq          BIGINT        NOT NULL AUTO_INCREMENT,
    command_type VARCHAR(32)   NOT NULL,
    patient_id   BINARY(16)    NOT NULL,
    subject_id   BINARY(16)    NOT NULL,
    payload      LONGTEXT      NOT NULL,
    status       VARCHAR(16)   NOT NULL,
    chain_tx_id  BINARY(16)    NULL,
    reason       VARCHAR(1000) NULL,
    received_at  DATETIME(6)   NOT NULL,
    updated_at   DATETIME(6)   NOT NULL,
    UNIQUE KEY chain_command_seq (seq),
    INDEX chain_command_status (status, seq),
    INDEX chain_command_patient (patient_id, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
