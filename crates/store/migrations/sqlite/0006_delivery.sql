-- Delivery of the outbox: a lease while a worker delivers a message (so two servers never send
-- it at once), and the agencies' webhooks (the signing secret sealed).
ALTER TABLE outbox ADD COLUMN locked_until TEXT;

CREATE TABLE agency_webhooks (
    agency_id TEXT PRIMARY KEY NOT NULL,
    url TEXT NOT NULL,
    secret BLOB NOT NULL,
    created_at TEXT NOT NULL
);
