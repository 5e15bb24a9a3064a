-- Family support centers (issue 7): the registry of centers, referrals to them with the person's
-- consent, and the support case a center opens when it accepts one.
-- Sealed (BLOB): every personal free text (notes, reasons, assessment, plans, findings).
-- Codes and counts stay readable, so that figures and the check-in reminders read no personal column.

-- A center's profile; its name and region are the agency directory's (agency_id).
-- services: JSON list of service codes. shelter_occupied never exceeds shelter_places.
CREATE TABLE support_centers (
    agency_id TEXT PRIMARY KEY NOT NULL,
    region TEXT NOT NULL,
    address TEXT NOT NULL,
    services TEXT NOT NULL,
    capacity INTEGER NOT NULL,
    shelter_places INTEGER NOT NULL,
    shelter_occupied INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (shelter_occupied >= 0 AND shelter_occupied <= shelter_places)
);

-- source_agency_id NULL: referred by the contact center. share_with, parts: JSON lists of codes.
CREATE TABLE referrals (
    id BLOB PRIMARY KEY NOT NULL,
    complaint_id BLOB NOT NULL REFERENCES complaints (id),
    center_id TEXT NOT NULL,
    source_agency_id TEXT,
    created_by BLOB,
    created_at TEXT NOT NULL,
    decide_by TEXT NOT NULL,
    share_with TEXT NOT NULL,
    parts TEXT NOT NULL,
    note BLOB,
    status TEXT NOT NULL,
    decided_at TEXT,
    decided_by BLOB,
    refusal BLOB
);
CREATE INDEX referrals_inbox ON referrals (center_id, status, decide_by);
CREATE INDEX referrals_complaint ON referrals (complaint_id);

-- One case per accepted referral (same id). assessment, safety_plan and plan: sealed JSON or text.
-- version: each change checks and bumps it, so that two people saving at once cannot both win.
CREATE TABLE support_cases (
    id BLOB PRIMARY KEY NOT NULL REFERENCES referrals (id),
    complaint_id BLOB NOT NULL REFERENCES complaints (id),
    center_id TEXT NOT NULL,
    region TEXT NOT NULL,
    status TEXT NOT NULL,
    category TEXT,
    referred_at TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    first_service_at TEXT,
    check_in_days INTEGER NOT NULL,
    next_check_in_at TEXT NOT NULL,
    reminded_at TEXT,
    outcome TEXT,
    closed_at TEXT,
    updated_at TEXT NOT NULL,
    assessment BLOB,
    safety_plan BLOB,
    plan BLOB,
    version INTEGER NOT NULL
);
CREATE INDEX support_cases_center ON support_cases (center_id, status);
CREATE INDEX support_cases_check_in ON support_cases (next_check_in_at) WHERE reminded_at IS NULL AND status <> 'closed';

-- What happened to a case, in order: kind assessment | safety_plan | plan | service | check_in |
-- visit | category | step. code: the service, the check-in's outcome, the new category, the step.
-- previous: the former category or status. on_day: YYYY-MM-DD of a delivery or a visit.
-- detail: the sealed note, reason or visit (members and findings as JSON).
CREATE TABLE support_entries (
    case_id BLOB NOT NULL REFERENCES support_cases (id),
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor_id BLOB,
    code TEXT,
    previous TEXT,
    on_day TEXT,
    minutes INTEGER,
    detail BLOB,
    PRIMARY KEY (case_id, seq)
);
CREATE INDEX support_entries_services ON support_entries (kind, at);
