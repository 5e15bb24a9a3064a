-- Complaints as received. Times are UTC text in whole seconds (RFC 3339), ids UUIDv7 blobs.
-- The tables of a complaint's parts are WITHOUT ROWID: one B-tree each, in complaint order,
-- instead of a table and its key's index (half the writes on the intake path).
CREATE TABLE complaints (
    id BLOB PRIMARY KEY NOT NULL,
    tracking_code TEXT NOT NULL UNIQUE,
    status_pin_hash BLOB NOT NULL,
    channel TEXT NOT NULL,
    received_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
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
    request_hash BLOB
);
-- Most complaints come without a key: index only those that have one.
CREATE UNIQUE INDEX complaints_idempotency_key ON complaints (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX complaints_region ON complaints (region, id);

CREATE TABLE complaint_victims (
    complaint_id BLOB NOT NULL REFERENCES complaints (id),
    position INTEGER NOT NULL,
    age INTEGER,
    birth_year INTEGER,
    sex TEXT NOT NULL,
    minor BOOLEAN,
    disability BOOLEAN,
    PRIMARY KEY (complaint_id, position)
) WITHOUT ROWID;

CREATE TABLE complaint_perpetrators (
    complaint_id BLOB NOT NULL REFERENCES complaints (id),
    position INTEGER NOT NULL,
    relation TEXT NOT NULL,
    sex TEXT NOT NULL,
    PRIMARY KEY (complaint_id, position)
) WITHOUT ROWID;
