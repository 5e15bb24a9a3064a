-- Family support centers (issue 7): the registry of centers, referrals to them with the person's
-- consent, and the support case a center opens when it accepts one.
-- Sealed (BYTEA): every personal free text (notes, reasons, assessment, plans, findings).
-- Codes and counts stay readable, so that figures and the check-in reminders read no personal column.

-- A center's profile; its name and region are the agency directory's (agency_id).
-- services: JSON list of service codes. shelter_occupied never exceeds shelter_places.
CREATE TABLE support_centers (
    agency_id TEXT PRIMARY KEY NOT NULL,
    region TEXT NOT NULL,
    address TEXT NOT NULL,
    services TEXT NOT NULL,
    capacity BIGINT NOT NULL,
    shelter_places BIGINT NOT NULL,
    shelter_occupied BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    CHECK (shelter_occupied >= 0 AND shelter_occupied <= shelter_places)
);

-- source_agency_id NULL: referred by the contact center. share_with, parts: JSON lists of codes.
CREATE TABLE referrals (
    id UUID PRIMARY KEY NOT NULL,
    complaint_id UUID NOT NULL REFERENCES complaints (id),
    center_id TEXT NOT NULL,
    source_agency_id TEXT,
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    decide_by TIMESTAMPTZ NOT NULL,
    share_with TEXT NOT NULL,
    parts TEXT NOT NULL,
    note BYTEA,
    status TEXT NOT NULL,
    decided_at TIMESTAMPTZ,
    decided_by UUID,
    refusal BYTEA
);
CREATE INDEX referrals_inbox ON referrals (center_id, status, decide_by);
CREATE INDEX referrals_complaint ON referrals (complaint_id);

-- One case per accepted referral (same id). assessment, safety_plan and plan: sealed JSON or text.
-- version: each change checks and bumps it, so that two people saving at once cannot both win.
CREATE TABLE support_cases (
    id UUID PRIMARY KEY NOT NULL REFERENCES referrals (id),
    complaint_id UUID NOT NULL REFERENCES complaints (id),
    center_id TEXT NOT NULL,
    region TEXT NOT NULL,
    status TEXT NOT NULL,
    category TEXT,
    referred_at TIMESTAMPTZ NOT NULL,
    opened_at TIMESTAMPTZ NOT NULL,
    first_service_at TIMESTAMPTZ,
    check_in_days BIGINT NOT NULL,
    next_check_in_at TIMESTAMPTZ NOT NULL,
    reminded_at TIMESTAMPTZ,
    outcome TEXT,
    closed_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL,
    assessment BYTEA,
    safety_plan BYTEA,
    plan BYTEA,
    version BIGINT NOT NULL
);
CREATE INDEX support_cases_center ON support_cases (center_id, status);
CREATE INDEX support_cases_check_in ON support_cases (next_check_in_at) WHERE reminded_at IS NULL AND status <> 'closed';

-- What happened to a case, in order: kind assessment | safety_plan | plan | service | check_in |
-- visit | category | step. code: the service, the check-in's outcome, the new category, the step.
-- previous: the former category or status. on_day: YYYY-MM-DD of a delivery or a visit.
-- detail: the sealed note, reason or visit (members and findings as JSON).
CREATE TABLE support_entries (
    case_id UUID NOT NULL REFERENCES support_cases (id),
    seq BIGINT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    kind TEXT NOT NULL,
    actor_id UUID,
    code TEXT,
    previous TEXT,
    on_day TEXT,
    minutes BIGINT,
    detail BYTEA,
    PRIMARY KEY (case_id, seq)
);
CREATE INDEX support_entries_services ON support_entries (kind, at);
