-- Accounts of the web console and API. Kept apart from the registry's tables (own migration
-- table `_shangyun_web_migrations`) so the store's schema evolves independently.
CREATE TABLE web_users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'officer', 'enterprise', 'provider', 'expert')),
    -- officer: GB/T 2260 code of the region it oversees, NULL = ministry (all regions)
    region TEXT,
    -- provider user: the provider's identifier (its USCC)
    provider TEXT,
    password_hash TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

-- Enterprise users: the enterprises (USCCs) they act for.
CREATE TABLE web_user_enterprises (
    user_id INTEGER NOT NULL REFERENCES web_users (id) ON DELETE CASCADE,
    uscc TEXT NOT NULL,
    PRIMARY KEY (user_id, uscc)
);

-- Browser sessions: only the SHA-256 of the cookie value is stored.
CREATE TABLE web_sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES web_users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);

-- API tokens for machine clients: only the SHA-256 of the token is stored.
CREATE TABLE web_api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES web_users (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER
);
