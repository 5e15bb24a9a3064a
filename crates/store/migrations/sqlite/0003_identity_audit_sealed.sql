-- Staff accounts, sessions, API tokens, the audit trail, and personal fields sealed at rest.
--
-- Complaints stored before this migration held their personal fields in clear. Qorgau had not
-- been released: they were synthetic demo data. They are removed rather than left readable.
DELETE FROM assignments;
DELETE FROM complaint_categories;
DELETE FROM complaint_perpetrators;
DELETE FROM complaint_victims;
DELETE FROM complaints;

-- Personal fields are sealed (XChaCha20-Poly1305, key id inside each value); exact look-ups go
-- through keyed blind indexes (HMAC of the normalised value).
ALTER TABLE complaints DROP COLUMN narrative;
ALTER TABLE complaints DROP COLUMN reporter_name;
ALTER TABLE complaints DROP COLUMN reporter_phone;
ALTER TABLE complaints DROP COLUMN reporter_safe_contact_time;
ALTER TABLE complaints ADD COLUMN narrative BLOB NOT NULL DEFAULT X'';
ALTER TABLE complaints ADD COLUMN address BLOB;
ALTER TABLE complaints ADD COLUMN reporter_name BLOB;
ALTER TABLE complaints ADD COLUMN reporter_phone BLOB;
ALTER TABLE complaints ADD COLUMN reporter_iin BLOB;
ALTER TABLE complaints ADD COLUMN reporter_safe_contact_time BLOB;
ALTER TABLE complaints ADD COLUMN reporter_phone_index BLOB;
ALTER TABLE complaints ADD COLUMN reporter_iin_index BLOB;
-- The school (or other institution) whose account reported it.
ALTER TABLE complaints ADD COLUMN institution_id TEXT;
-- When personal fields were erased under the retention policy.
ALTER TABLE complaints ADD COLUMN anonymized_at TEXT;
CREATE INDEX complaints_reporter_phone_index ON complaints (reporter_phone_index) WHERE reporter_phone_index IS NOT NULL;
CREATE INDEX complaints_reporter_iin_index ON complaints (reporter_iin_index) WHERE reporter_iin_index IS NOT NULL;
CREATE INDEX complaints_institution ON complaints (institution_id, id) WHERE institution_id IS NOT NULL;
CREATE INDEX assignments_agency ON assignments (agency_id, complaint_id);

ALTER TABLE complaint_victims ADD COLUMN name BLOB;
ALTER TABLE complaint_victims ADD COLUMN iin BLOB;
ALTER TABLE complaint_victims ADD COLUMN iin_index BLOB;
CREATE INDEX complaint_victims_iin_index ON complaint_victims (iin_index) WHERE iin_index IS NOT NULL;
ALTER TABLE complaint_perpetrators ADD COLUMN name BLOB;

CREATE TABLE users (
    id BLOB PRIMARY KEY NOT NULL,
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    agency_id TEXT,
    institution_id TEXT,
    -- argon2id, PHC string format.
    password_hash TEXT NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A session is found by the SHA-256 of the cookie's random value: the table alone opens none.
CREATE TABLE sessions (
    id_hash BLOB PRIMARY KEY NOT NULL,
    user_id BLOB NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Agency systems' tokens: the secret's SHA-256 only.
CREATE TABLE api_tokens (
    id BLOB PRIMARY KEY NOT NULL,
    secret_hash BLOB NOT NULL,
    name TEXT NOT NULL,
    agency_id TEXT NOT NULL,
    permissions TEXT NOT NULL,
    created_by BLOB NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);

-- The audit trail: append-only, each event chained to the previous by a keyed hash.
CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY NOT NULL,
    at TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id BLOB,
    actor_role TEXT,
    action TEXT NOT NULL,
    record_kind TEXT,
    record_id TEXT,
    address TEXT,
    detail TEXT NOT NULL,
    hash BLOB NOT NULL
);
CREATE INDEX audit_events_record ON audit_events (record_id, seq) WHERE record_id IS NOT NULL;
CREATE INDEX audit_events_actor ON audit_events (actor_id, seq);

-- The chain's head: one row, updated in every transaction that appends (which serialises them).
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY NOT NULL,
    seq INTEGER NOT NULL,
    hash BLOB NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, X'0000000000000000000000000000000000000000000000000000000000000000');
