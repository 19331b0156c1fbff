-- exchange-service: the organisation's keys, the replay guard of the exchange door, the exchange audit.

-- The organisation's keys, one row per key and version; the private half only ever wrapped by the
-- key-encryption key named in kek_id (platform-support's KeyRing). purpose: SIGNING (secp256k1,
-- request JWS) or ENCRYPTION (Tink hybrid keyset, records sealed to this organisation).
-- Replicas starting together race on the primary key: one insert wins, the others read it.
CREATE TABLE organization_key (
    purpose      VARCHAR(16)   NOT NULL,
    version      INT           NOT NULL,
    kek_id       VARCHAR(64)   NOT NULL,
    wrapped_key  BLOB          NOT NULL,
    -- SIGNING: the 20-byte address; ENCRYPTION: the serialized public keyset (what the chain holds).
    public_key   VARBINARY(4096) NOT NULL,
    created_at   DATETIME(6)   NOT NULL,
    PRIMARY KEY (purpose, version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every (issuer, jti) the door accepted, until the request's exp (plus the clock skew allowance):
-- INSERT IGNORE's row count tells a replay, across restarts and replicas. Expired rows are purged.
CREATE TABLE exchange_replay (
    issuer       VARCHAR(66)   NOT NULL,
    jti          VARCHAR(64)   NOT NULL,
    expires_at   DATETIME(6)   NOT NULL,
    PRIMARY KEY (issuer, jti),
    INDEX exchange_replay_expiry (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every exchange request in either direction, refusals included. Nothing about patients: the peer
-- organisation (as claimed, when refused before its signature was checked), the requesting party,
-- the method, the path (no query string), the outcome and its reason.
CREATE TABLE exchange_request_log (
    log_id               BINARY(16)   NOT NULL PRIMARY KEY,
    direction            VARCHAR(8)   NOT NULL,
    peer_organization_id VARCHAR(66)  NULL,
    party_id             VARCHAR(64)  NULL,
    method               VARCHAR(10)  NOT NULL,
    path                 VARCHAR(512) NOT NULL,
    outcome              VARCHAR(16)  NOT NULL,
    reason               VARCHAR(64)  NULL,
    detail               VARCHAR(300) NULL,
    at                   DATETIME(6)  NOT NULL,
    INDEX exchange_request_log_at (at),
    INDEX exchange_request_log_peer (peer_organization_id, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
