-- The registry of educational institutions (schools, colleges, kindergartens), by BIN.
-- (0009: 0008 and 0010 are taken by work on other branches.)
CREATE TABLE institutions (
    bin TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    -- The name as searches compare it (domain::institution::name_key: lowercase, ё as е), made
    -- in Rust because SQLite's lower() knows only ASCII. Compared bytewise, as PostgreSQL's is.
    name_key TEXT NOT NULL,
    region TEXT NOT NULL,
    locality TEXT NOT NULL,
    -- An agency id of the directory (data/agencies.toml), not a table: no foreign key.
    education_department TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX institutions_region_name ON institutions (region, name_key);
CREATE INDEX institutions_name ON institutions (name_key);
