-- identity-service: the platform's parties (patients, practitioners, clinics, admins, auditors).
-- party_id is the Keycloak subject of the party's user (for a clinic: its service account).
CREATE TABLE party (
    party_id     BINARY(16)   NOT NULL PRIMARY KEY,
    role         VARCHAR(20)  NOT NULL,
    email        VARCHAR(254) NOT NULL,
    given_name   VARCHAR(100) NULL,
    family_name  VARCHAR(100) NULL,
    created_at   DATETIME(6)  NOT NULL,
    UNIQUE KEY party_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A patient's pseudonymous chain identity and custodial signing key (private key wrapped by the
-- key-encryption key named in kek_id; never stored in clear).
CREATE TABLE patient (
    patient_id         BINARY(16)     NOT NULL PRIMARY KEY,
    birth_date         DATE           NOT NULL,
    chain_id           VARCHAR(66)    NOT NULL,
    controller_address VARCHAR(42)    NOT NULL,
    wrapped_key        VARBINARY(512) NOT NULL,
    kek_id             VARCHAR(64)    NOT NULL,
    UNIQUE KEY patient_chain_id (chain_id),
    CONSTRAINT patient_party FOREIGN KEY (patient_id) REFERENCES party (party_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE practitioner (
    practitioner_id BINARY(16)   NOT NULL PRIMARY KEY,
    license_number  VARCHAR(64)  NOT NULL,
    specialty       VARCHAR(100) NOT NULL,
    organization    VARCHAR(200) NOT NULL,
    INDEX practitioner_specialty (specialty),
    CONSTRAINT practitioner_party FOREIGN KEY (practitioner_id) REFERENCES party (party_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE clinic (
    clinic_id  BINARY(16)   NOT NULL PRIMARY KEY,
    name       VARCHAR(200) NOT NULL,
    client_id  VARCHAR(100) NOT NULL,
    UNIQUE KEY clinic_client (client_id),
    CONSTRAINT clinic_party FOREIGN KEY (clinic_id) REFERENCES party (party_id)
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
