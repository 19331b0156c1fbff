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
