-- Evidence of a complaint (or of an agency's work on it, for its action report): files and links.
-- A file's bytes live outside the database, sealed, under their keyed content address; the row
-- holds the address, the type read from the content, and the size. A link's address is sealed
-- (it may name a person); captured_at is when the post was seen.
-- agency_id, when set, names the assignment (complaint_id, agency_id) the evidence belongs to.
CREATE TABLE evidence (
    id BLOB PRIMARY KEY NOT NULL,
    complaint_id BLOB NOT NULL REFERENCES complaints (id),
    agency_id TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('file', 'link')),
    media_type TEXT,
    size INTEGER,
    address TEXT,
    url BLOB,
    captured_at TEXT,
    added_by_kind TEXT NOT NULL,
    added_by_id BLOB,
    created_at TEXT NOT NULL,
    FOREIGN KEY (complaint_id, agency_id) REFERENCES assignments (complaint_id, agency_id),
    CHECK ((kind = 'file') = (media_type IS NOT NULL AND size IS NOT NULL AND address IS NOT NULL)),
    CHECK ((kind = 'link') = (url IS NOT NULL AND captured_at IS NOT NULL))
);
CREATE INDEX evidence_complaint ON evidence (complaint_id, id);
