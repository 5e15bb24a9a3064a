-- A school's report (issue 6): the facts a school gives beyond the complaint it becomes. One row
-- per complaint of the `school` channel reported through the school report.
-- minors: JSON [{role, age, sex}] with no names (victims' and offenders' names are sealed in
-- complaint_victims / complaint_perpetrators; a witness's is never collected).
-- actions_taken is sealed (it may name people); retention sets it to NULL.
-- late: the delay from learned_at to reported_at was over the limit in force at the time.
CREATE TABLE school_reports (
    complaint_id UUID PRIMARY KEY NOT NULL REFERENCES complaints (id),
    institution_bin TEXT NOT NULL,
    kind TEXT NOT NULL,
    learned_at TIMESTAMPTZ NOT NULL,
    reported_at TIMESTAMPTZ NOT NULL,
    delay_seconds BIGINT NOT NULL,
    late BOOLEAN NOT NULL,
    minors TEXT NOT NULL,
    actions_taken BYTEA
);
CREATE INDEX school_reports_reported ON school_reports (reported_at, institution_bin);

-- The institution whose QR code a report came through (a child's report from a school's
-- poster). Not the reporting institution (institution_id): that school's accounts do not see it.
ALTER TABLE complaints ADD COLUMN qr_institution TEXT;
CREATE INDEX complaints_qr_institution ON complaints (qr_institution, received_at) WHERE qr_institution IS NOT NULL;
