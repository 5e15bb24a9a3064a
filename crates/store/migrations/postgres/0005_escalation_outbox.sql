-- Reminders and escalation: how many notices were sent for the current deadline, and when the
-- scheduler must look at the assignment next (found through an index, never by a scan).
ALTER TABLE assignments ADD COLUMN escalation_level BIGINT NOT NULL DEFAULT 0;
ALTER TABLE assignments ADD COLUMN next_check_at TIMESTAMPTZ;
UPDATE assignments SET next_check_at = created_at;
CREATE INDEX assignments_next_check ON assignments (next_check_at) WHERE next_check_at IS NOT NULL;

-- Messages to deliver (notices, webhooks), written in the transaction of the change that
-- causes them. The payload holds ids and codes, never personal data.
CREATE TABLE outbox (
    id UUID PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL,
    topic TEXT NOT NULL,
    recipient TEXT NOT NULL,
    payload TEXT NOT NULL,
    -- The same notice is never queued twice.
    dedupe_key TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    delivered_at TIMESTAMPTZ,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
