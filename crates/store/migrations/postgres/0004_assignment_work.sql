-- The agencies' work on their assignments: acknowledgment, reports, reviews, extensions,
-- forwarding; each step kept in order with its (sealed) note.
ALTER TABLE assignments ADD COLUMN acknowledged_at TIMESTAMPTZ;
ALTER TABLE assignments ADD COLUMN reported_at TIMESTAMPTZ;
-- The last action report, as sealed JSON (it may describe the people).
ALTER TABLE assignments ADD COLUMN report BYTEA;
ALTER TABLE assignments ADD COLUMN updated_at TIMESTAMPTZ;

-- An agency's inbox by deadline; it also serves the agency's scope in complaint lists.
DROP INDEX assignments_agency;
CREATE INDEX assignments_inbox ON assignments (agency_id, report_due_at, complaint_id);

CREATE TABLE assignment_events (
    complaint_id UUID NOT NULL,
    agency_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    step TEXT NOT NULL,
    status TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id UUID,
    -- The reason or note, sealed.
    note BYTEA,
    PRIMARY KEY (complaint_id, agency_id, seq),
    FOREIGN KEY (complaint_id, agency_id) REFERENCES assignments (complaint_id, agency_id)
);
