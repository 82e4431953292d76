-- The enterprise registry (一企一档), SQLite flavour. Keep in step with postgres/0001_registry.sql:
-- same tables, columns and indices; only types differ (dates and times are ISO-8601 text, JSON is
-- text, booleans are 0/1).

-- Ground truth: identity. Tables keyed by text are WITHOUT ROWID so the key is the storage order.
CREATE TABLE enterprises (
    uscc              TEXT PRIMARY KEY NOT NULL,
    name              TEXT NOT NULL,
    registered_region TEXT NOT NULL,
    operating_region  TEXT,
    industry          TEXT NOT NULL,
    founded           TEXT,
    contact_name      TEXT,
    contact_phone     TEXT,
    contact_email     TEXT,
    updated_at        TEXT NOT NULL
) WITHOUT ROWID;
-- Region subtree and industry filters are range scans on these (prefix 'xx' = ['xx', 'xx:')).
CREATE INDEX enterprises_registered_region ON enterprises (registered_region);
CREATE INDEX enterprises_industry ON enterprises (industry);

-- Ground truth: one row per enterprise and year. Money in 万元.
CREATE TABLE annual_figures (
    uscc                  TEXT NOT NULL REFERENCES enterprises (uscc) ON DELETE CASCADE,
    year                  INTEGER NOT NULL,
    employees             INTEGER,
    revenue               REAL,
    main_business_revenue REAL,
    assets                REAL,
    rd_spend              REAL,
    rd_staff              INTEGER,
    net_profit            REAL,
    debt_ratio            REAL,
    ip_class1             INTEGER,
    ip_class1_high_value  INTEGER,
    ip_class2             INTEGER,
    energy_kwh            REAL,
    PRIMARY KEY (uscc, year)
) WITHOUT ROWID;

-- Ground truth: tier titles held.
CREATE TABLE titles (
    uscc    TEXT NOT NULL REFERENCES enterprises (uscc) ON DELETE CASCADE,
    tier    TEXT NOT NULL CHECK (tier IN ('innovative', 'specialized', 'little-giant')),
    issued  TEXT NOT NULL,
    expires TEXT NOT NULL,
    edition TEXT NOT NULL,
    PRIMARY KEY (uscc, tier, issued)
) WITHOUT ROWID;
CREATE INDEX titles_tier ON titles (tier, expires);

-- Derived, recomputable: one row per enterprise and year, stored with the rule editions.
-- tier_* hold the summary outcome per tier over the editions evaluated ('eligible' when any
-- edition says so); `tiers` holds every verdict with its edition and explanation.
-- A rowid table (rows are ~1 KB; WITHOUT ROWID b-trees degrade with rows that large).
CREATE TABLE derived (
    uscc               TEXT NOT NULL REFERENCES enterprises (uscc) ON DELETE CASCADE,
    year               INTEGER NOT NULL,
    is_latest          INTEGER NOT NULL,
    size_class         TEXT,
    size_edition       TEXT NOT NULL,
    size_explanation   TEXT NOT NULL,
    tier_innovative    TEXT NOT NULL,
    tier_specialized   TEXT NOT NULL,
    tier_little_giant  TEXT NOT NULL,
    tiers              TEXT NOT NULL,
    computed_at        TEXT NOT NULL,
    UNIQUE (uscc, year)
);
-- (size_class, uscc): the filter probes it per enterprise with both known.
CREATE INDEX derived_size_class ON derived (size_class, uscc);
-- Partial indices: only the (few) eligible rows pay for them on insert.
CREATE INDEX derived_innovative ON derived (uscc, year) WHERE tier_innovative = 'eligible';
CREATE INDEX derived_specialized ON derived (uscc, year) WHERE tier_specialized = 'eligible';
CREATE INDEX derived_little_giant ON derived (uscc, year) WHERE tier_little_giant = 'eligible';

-- Who changed what, when. Bulk imports write one entry per committed batch.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_key  TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_key);

-- The import journal: one row per run over a file; rows_through is the last data row whose
-- batch is committed, so an interrupted run resumes after it.
CREATE TABLE imports (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    file_name    TEXT NOT NULL,
    file_hash    TEXT NOT NULL,
    actor        TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    rows_through INTEGER NOT NULL DEFAULT 0,
    rows_ok      INTEGER NOT NULL DEFAULT 0,
    rows_bad     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX imports_file_hash ON imports (file_hash);
