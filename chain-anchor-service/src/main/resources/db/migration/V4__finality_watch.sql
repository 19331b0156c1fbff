-- chain-anchor-service: a confirmed transaction stays watched until the chain calls its block final,
-- so a reorg deeper than the confirmation depth is noticed and repaired (docs/architecture.md, Chain
-- finality). finalized_at is NULL while watched. chain_identity remembers which chain the database
-- belongs to (chain id and the hash of block 0), so a replaced chain is noticed rather than trusted.

ALTER TABLE chain_tx
    ADD COLUMN finalized_at DATETIME(6) NULL;

-- Everything confirmed before this migration was called final by the old rule: do not watch it now.
UPDATE chain_tx SET finalized_at = COALESCE(confirmed_at, created_at) WHERE status = 'CONFIRMED';

CREATE INDEX chain_tx_watch ON chain_tx (finalized_at, status, nonce);

ALTER TABLE anchor_batch
    ADD COLUMN finalized_at DATETIME(6) NULL,
    ADD COLUMN withdrawals  INT         NOT NULL DEFAULT 0;

UPDATE anchor_batch SET finalized_at = anchored_at WHERE status = 'ANCHORED';

CREATE TABLE chain_identity (
    id           TINYINT     NOT NULL PRIMARY KEY,
    chain_id     BIGINT      NOT NULL,
    genesis_hash VARCHAR(66) NOT NULL,
    recorded_at  DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- What the writer had sent to a chain that was later replaced (anchor.adopt-chain moved everything to
-- the new chain): kept for the audit trail, out of the way of the new chain's nonces.
CREATE TABLE chain_tx_replaced (
    tx_id        BINARY(16)   NOT NULL PRIMARY KEY,
    genesis_hash VARCHAR(66)  NOT NULL,
    replaced_at  DATETIME(6)  NOT NULL,
    from_address VARCHAR(42)  NOT NULL,
    nonce        BIGINT       NOT NULL,
    purpose      VARCHAR(32)  NOT NULL,
    subject_id   BINARY(16)   NOT NULL,
    tx_hash      VARCHAR(66)  NOT NULL,
    status       VARCHAR(16)  NOT NULL,
    block_number BIGINT       NULL,
    block_hash   VARCHAR(66)  NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
