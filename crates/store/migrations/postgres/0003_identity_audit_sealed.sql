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
ALTER TABLE complaints ADD COLUMN narrative BYTEA NOT NULL DEFAULT ''::bytea;
ALTER TABLE complaints ADD COLUMN address BYTEA;
ALTER TABLE complaints ADD COLUMN reporter_name BYTEA;
ALTER TABLE complaints ADD COLUMN reporter_phone BYTEA;
ALTER TABLE complaints ADD COLUMN reporter_iin BYTEA;
ALTER TABLE complaints ADD COLUMN reporter_safe_contact_time BYTEA;
ALTER TABLE complaints ADD COLUMN reporter_phone_index BYTEA;
ALTER TABLE complaints ADD COLUMN reporter_iin_index BYTEA;
-- The school (or other institution) whose account reported it.
ALTER TABLE complaints ADD COLUMN institution_id TEXT;
-- When personal fields were erased under the retention policy.
ALTER TABLE complaints ADD COLUMN anonymized_at TIMESTAMPTZ;
CREATE INDEX complaints_reporter_phone_index ON complaints (reporter_phone_index) WHERE reporter_phone_index IS NOT NULL;
CREATE INDEX complaints_reporter_iin_index ON complaints (reporter_iin_index) WHERE reporter_iin_index IS NOT NULL;
CREATE INDEX complaints_institution ON complaints (institution_id, id) WHERE institution_id IS NOT NULL;
CREATE INDEX assignments_agency ON assignments (agency_id, complaint_id);

ALTER TABLE complaint_victims ADD COLUMN name BYTEA;
ALTER TABLE complaint_victims ADD COLUMN iin BYTEA;
ALTER TABLE complaint_victims ADD COLUMN iin_index BYTEA;
CREATE INDEX complaint_victims_iin_index ON complaint_victims (iin_index) WHERE iin_index IS NOT NULL;
ALTER TABLE complaint_perpetrators ADD COLUMN name BYTEA;

CREATE TABLE users (
    id UUID PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    agency_id TEXT,
    institution_id TEXT,
    -- argon2id, PHC string format.
    password_hash TEXT NOT NULL,
    failed_attempts BIGINT NOT NULL DEFAULT 0,
    locked_until TIMESTAMPTZ,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- A session is found by the SHA-256 of the cookie's random value: the table alone opens none.
CREATE TABLE sessions (
    id_hash BYTEA PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Agency systems' tokens: the secret's SHA-256 only.
CREATE TABLE api_tokens (
    id UUID PRIMARY KEY,
    secret_hash BYTEA NOT NULL,
    name TEXT NOT NULL,
    agency_id TEXT NOT NULL,
    permissions TEXT NOT NULL,
    created_by UUID NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);

-- The audit trail: append-only, each event chained to the previous by a keyed hash.
CREATE TABLE audit_events (
    seq BIGINT PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id UUID,
    actor_role TEXT,
    action TEXT NOT NULL,
    record_kind TEXT,
    record_id TEXT,
    address TEXT,
    detail TEXT NOT NULL,
    hash BYTEA NOT NULL
);
CREATE INDEX audit_events_record ON audit_events (record_id, seq) WHERE record_id IS NOT NULL;
CREATE INDEX audit_events_actor ON audit_events (actor_id, seq);

-- The chain's head: one row, updated in every transaction that appends (which serialises them).
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash BYTEA NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, decode('0000000000000000000000000000000000000000000000000000000000000000', 'hex'));
