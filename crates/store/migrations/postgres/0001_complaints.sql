-- Complaints as received. Times are timestamptz (UTC), ids UUIDv7.
CREATE TABLE complaints (
    id UUID PRIMARY KEY,
    tracking_code TEXT NOT NULL UNIQUE,
    status_pin_hash BYTEA NOT NULL,
    channel TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    region TEXT NOT NULL,
    locality TEXT,
    language TEXT NOT NULL,
    narrative TEXT NOT NULL,
    status TEXT NOT NULL,
    reporter_anonymous BOOLEAN NOT NULL,
    reporter_name TEXT,
    reporter_phone TEXT,
    reporter_relation TEXT,
    reporter_consent_to_contact BOOLEAN NOT NULL,
    reporter_safe_to_contact BOOLEAN NOT NULL,
    reporter_safe_contact_time TEXT,
    idempotency_key TEXT,
    request_hash BYTEA
);
-- Most complaints come without a key: index only those that have one.
CREATE UNIQUE INDEX complaints_idempotency_key ON complaints (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX complaints_region ON complaints (region, id);

CREATE TABLE complaint_victims (
    complaint_id UUID NOT NULL REFERENCES complaints (id),
    position BIGINT NOT NULL,
    age BIGINT,
    birth_year BIGINT,
    sex TEXT NOT NULL,
    minor BOOLEAN,
    disability BOOLEAN,
    PRIMARY KEY (complaint_id, position)
);

CREATE TABLE complaint_perpetrators (
    complaint_id UUID NOT NULL REFERENCES complaints (id),
    position BIGINT NOT NULL,
    relation TEXT NOT NULL,
    sex TEXT NOT NULL,
    PRIMARY KEY (complaint_id, position)
);
