-- The consent check's change feed (ConsentCheck) reads the consents whose updated_at moved since
-- its last round, every 200 ms on every replica: an index keeps that a range scan of a few rows.
CREATE INDEX consent_updated ON consent (updated_at);
