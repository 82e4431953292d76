-- The enterprise registry (一企一档), PostgreSQL flavour. Keep in step with sqlite/0001_registry.sql:
-- same tables, columns and indices; only types differ.

CREATE TABLE enterprises (
    uscc              TEXT COLLATE "C" PRIMARY KEY,
    name              TEXT NOT NULL,
    registered_region TEXT COLLATE "C" NOT NULL,
    operating_region  TEXT COLLATE "C",
    industry          TEXT COLLATE "C" NOT NULL,
    founded           DATE,
    contact_name      TEXT,
    contact_phone     TEXT,
    contact_email     TEXT,
    updated_at        TIMESTAMPTZ NOT NULL
);
-- Codes are COLLATE "C" so that keys sort byte-wise as in SQLite (the export order is the same on
-- both backends) and prefix range scans ('xx' <= code < 'xx:') use the index whatever the locale.
CREATE INDEX enterprises_registered_region ON enterprises (registered_region);
CREATE INDEX enterprises_industry ON enterprises (industry);

CREATE TABLE annual_figures (
    uscc                  TEXT COLLATE "C" NOT NULL REFERENCES enterprises (uscc) ON DELETE CASCADE,
    year                  INTEGER NOT NULL,
    employees             BIGINT,
    revenue               DOUBLE PRECISION,
    main_business_revenue DOUBLE PRECISION,
    assets                DOUBLE PRECISION,
    rd_spend              DOUBLE PRECISION,
    rd_staff              BIGINT,
    net_profit            DOUBLE PRECISION,
    debt_ratio            DOUBLE PRECISION,
    ip_class1             BIGINT,
    ip_class1_high_value  BIGINT,
    ip_class2             BIGINT,
    energy_kwh            DOUBLE PRECISION,
    PRIMARY KEY (uscc, year)
);

CREATE TABLE titles (
    uscc    TEXT COLLATE "C" NOT NULL REFERENCES enterprises (uscc) ON DELETE CASCADE,
    tier    TEXT NOT NULL CHECK (tier IN ('innovative', 'specialized', 'little-giant')),
    issued  DATE NOT NULL,
    expires DATE NOT NULL,
    edition TEXT NOT NULL,
    PRIMARY KEY (uscc, tier, issued)
);
CREATE INDEX titles_tier ON titles (tier, expires);

CREATE TABLE derived (
    uscc               TEXT COLLATE "C" NOT NULL REFERENCES enterprises (uscc) ON DELETE CASCADE,
    year               INTEGER NOT NULL,
    is_latest          BOOLEAN NOT NULL,
    size_class         TEXT,
    size_edition       TEXT NOT NULL,
    size_explanation   JSON NOT NULL,
    tier_innovative    TEXT NOT NULL,
    tier_specialized   TEXT NOT NULL,
    tier_little_giant  TEXT NOT NULL,
    tiers              JSON NOT NULL,
    computed_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (uscc, year)
);
-- (size_class, uscc): the filter probes it per enterprise with both known.
CREATE INDEX derived_size_class ON derived (size_class, uscc);
CREATE INDEX derived_innovative ON derived (uscc, year) WHERE tier_innovative = 'eligible';
CREATE INDEX derived_specialized ON derived (uscc, year) WHERE tier_specialized = 'eligible';
CREATE INDEX derived_little_giant ON derived (uscc, year) WHERE tier_little_giant = 'eligible';

CREATE TABLE audit_log (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_key  TEXT NOT NULL,
    before_json JSONB,
    after_json  JSONB
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_key);

CREATE TABLE imports (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    file_name    TEXT NOT NULL,
    file_hash    TEXT NOT NULL,
    actor        TEXT NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    rows_through BIGINT NOT NULL DEFAULT 0,
    rows_ok      BIGINT NOT NULL DEFAULT 0,
    rows_bad     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX imports_file_hash ON imports (file_hash);
