-- Registry search (SQLite): name fragments through an FTS5 trigram index, and sort orders
-- backed by indices. Keep in step with postgres/0002_search.sql.

-- Sort by name: (name, uscc) — a WITHOUT ROWID table's index carries the primary key.
CREATE INDEX enterprises_name ON enterprises (name);

-- FTS5 needs integer rowids; enterprises is keyed by USCC. enterprise_search gives each
-- enterprise a rowid and is kept in step by triggers; enterprise_names indexes its names.
CREATE TABLE enterprise_search (
    id   INTEGER PRIMARY KEY,
    uscc TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);
CREATE VIRTUAL TABLE enterprise_names USING fts5 (
    name, content = 'enterprise_search', content_rowid = 'id', tokenize = 'trigram'
);

INSERT INTO enterprise_search (uscc, name) SELECT uscc, name FROM enterprises;
INSERT INTO enterprise_names (enterprise_names) VALUES ('rebuild');

CREATE TRIGGER enterprises_search_insert AFTER INSERT ON enterprises BEGIN
    INSERT INTO enterprise_search (uscc, name) VALUES (new.uscc, new.name);
END;
CREATE TRIGGER enterprises_search_rename AFTER UPDATE OF name ON enterprises
WHEN old.name IS NOT new.name BEGIN
    UPDATE enterprise_search SET name = new.name WHERE uscc = new.uscc;
END;
CREATE TRIGGER enterprises_search_delete AFTER DELETE ON enterprises BEGIN
    DELETE FROM enterprise_search WHERE uscc = old.uscc;
END;

CREATE TRIGGER enterprise_search_insert AFTER INSERT ON enterprise_search BEGIN
    INSERT INTO enterprise_names (rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER enterprise_search_delete AFTER DELETE ON enterprise_search BEGIN
    INSERT INTO enterprise_names (enterprise_names, rowid, name) VALUES ('delete', old.id, old.name);
END;
CREATE TRIGGER enterprise_search_update AFTER UPDATE ON enterprise_search BEGIN
    INSERT INTO enterprise_names (enterprise_names, rowid, name) VALUES ('delete', old.id, old.name);
    INSERT INTO enterprise_names (rowid, name) VALUES (new.id, new.name);
END;

-- The region-scoped audit view joins entries to enterprises newest first.
CREATE INDEX audit_log_entity_id ON audit_log (entity, id);
