-- Devices and everything about them except their telemetry (which lives in shangyun-tsdb).
CREATE TABLE device_types (
    name        TEXT PRIMARY KEY,
    model       TEXT NOT NULL,              -- the ThingModel as JSON
    builtin     BOOLEAN NOT NULL,
    updated_ms  BIGINT NOT NULL
);

CREATE TABLE devices (
    id           BIGSERIAL PRIMARY KEY,
    name         TEXT NOT NULL,
    enterprise   TEXT,                      -- USCC
    ent_key      TEXT NOT NULL,             -- enterprise or '' (names are unique per enterprise)
    device_type  TEXT,
    is_gateway   BOOLEAN NOT NULL,
    gateway_id   BIGINT REFERENCES devices(id),
    label        TEXT,
    created_ms   BIGINT NOT NULL,
    UNIQUE (ent_key, name)
);
CREATE INDEX devices_enterprise ON devices(enterprise);
CREATE INDEX devices_gateway ON devices(gateway_id);

-- SHA-256 of 128-bit random tokens: the hot-path lookup of a connect.
CREATE TABLE device_tokens (
    token_hash  BYTEA PRIMARY KEY,
    device_id   BIGINT NOT NULL UNIQUE REFERENCES devices(id) ON DELETE CASCADE,
    created_ms  BIGINT NOT NULL
);

CREATE TABLE device_basic (
    device_id     BIGINT PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
    client_id     TEXT,
    username      TEXT,
    password_phc  TEXT,                     -- argon2id
    created_ms    BIGINT NOT NULL
);
CREATE UNIQUE INDEX device_basic_username ON device_basic(username) WHERE username IS NOT NULL;
CREATE UNIQUE INDEX device_basic_client ON device_basic(client_id) WHERE username IS NULL;

CREATE TABLE provision_keys (
    key          TEXT PRIMARY KEY,
    secret_hash  BYTEA NOT NULL,
    enterprise   TEXT,
    device_type  TEXT,
    revoked      BOOLEAN NOT NULL,
    created_ms   BIGINT NOT NULL
);

CREATE TABLE device_attributes (
    device_id   BIGINT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    side        TEXT NOT NULL,              -- client | shared
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,              -- JSON
    updated_ms  BIGINT NOT NULL,
    PRIMARY KEY (device_id, side, key)
);

CREATE TABLE device_presence (
    device_id           BIGINT PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
    gateway_id          BIGINT,
    last_activity_ms    BIGINT,
    last_connect_ms     BIGINT,
    last_disconnect_ms  BIGINT,
    online              BOOLEAN NOT NULL
);

CREATE TABLE device_alarm_rules (
    device_id   BIGINT PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
    rules       TEXT NOT NULL               -- JSON array of AlarmRule
);

CREATE TABLE alarms (
    id              BIGSERIAL PRIMARY KEY,
    device_id       BIGINT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    rule            TEXT NOT NULL,
    key             TEXT NOT NULL,
    severity        TEXT NOT NULL,
    message         TEXT NOT NULL,
    value           DOUBLE PRECISION,
    raised_ms       BIGINT NOT NULL,
    cleared_ms      BIGINT,
    acked_ms        BIGINT,
    acked_by        TEXT,
    UNIQUE (device_id, rule, raised_ms)
);
-- One active alarm per (device, rule), enforced by the database too.
CREATE UNIQUE INDEX alarms_one_active ON alarms(device_id, rule) WHERE cleared_ms IS NULL;
CREATE INDEX alarms_raised ON alarms(raised_ms);

CREATE TABLE device_audit (
    id          BIGSERIAL PRIMARY KEY,
    at_ms       BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    device_id   BIGINT,
    enterprise  TEXT,
    detail      TEXT NOT NULL               -- JSON; never a secret
);
CREATE INDEX device_audit_device ON device_audit(device_id);
