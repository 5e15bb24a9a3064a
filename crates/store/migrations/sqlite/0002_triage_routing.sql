-- Classification, risk triage and routing, stored with the complaint in one transaction.
ALTER TABLE complaints ADD COLUMN risk_level TEXT NOT NULL DEFAULT 'standard';
ALTER TABLE complaints ADD COLUMN risk_computed TEXT NOT NULL DEFAULT 'standard';
ALTER TABLE complaints ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal';
-- The triage: answers said yes, reasons and judgement, as JSON text (read whole, never queried inside).
ALTER TABLE complaints ADD COLUMN triage TEXT NOT NULL DEFAULT '{}';
ALTER TABLE complaints ADD COLUMN reference_version TEXT NOT NULL DEFAULT '';

CREATE TABLE complaint_categories (
    complaint_id BLOB NOT NULL REFERENCES complaints (id),
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (complaint_id, position)
) WITHOUT ROWID;

CREATE TABLE assignments (
    complaint_id BLOB NOT NULL REFERENCES complaints (id),
    agency_id TEXT NOT NULL,
    agency_kind TEXT NOT NULL,
    role TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    acknowledge_due_at TEXT,
    report_due_at TEXT,
    PRIMARY KEY (complaint_id, agency_id)
) WITHOUT ROWID;
-- An assignment is one agency's part in one complaint. The index of an agency's inbox by
-- deadline comes with the agencies' own pages (issue 5).
