-- Delivery of the outbox: a lease while a worker delivers a message (so two servers never send
-- it at once), and the agencies' webhooks (the signing secret sealed).
ALTER TABLE outbox ADD COLUMN locked_until TIMESTAMPTZ;

CREATE TABLE agency_webhooks (
    agency_id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    secret BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
