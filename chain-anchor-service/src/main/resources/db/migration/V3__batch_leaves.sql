-- A closed batch keeps its leaves once, in leaf order (32 bytes each, 320 KB for 10,000), instead of one
-- stored proof per leaf: proofs are computed from them on request. anchor_proof keeps the proofs of
-- batches closed before this migration.
ALTER TABLE anchor_batch
    ADD COLUMN leaves LONGBLOB NULL;
