-- notification-service: the delivery log, one row per (event, recipient): never sent twice.
CREATE TABLE delivery (
    delivery_id     BINARY(16)    NOT NULL PRIMARY KEY,
    event_id        VARCHAR(64)   NOT NULL,
    recipient       VARCHAR(254)  NOT NULL,
    template        VARCHAR(64)   NOT NULL,
    status          VARCHAR(16)   NOT NULL,
    attempts        INT           NOT NULL,
    last_error      VARCHAR(1000) NULL,
    next_attempt_at DATETIME(6)   NULL,
    sent_at         DATETIME(6)   NULL,
    created_at      DATETIME(6)   NOT NULL,
    UNIQUE KEY delivery_event_recipient (event_id, recipient),
    INDEX delivery_due (status, next_attempt_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Idempotent consumers: the ids of the events already applied.
CREATE TABLE processed_event (
    event_id     VARCHAR(64)  NOT NULL PRIMARY KEY,
    processed_at DATETIME(6)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
