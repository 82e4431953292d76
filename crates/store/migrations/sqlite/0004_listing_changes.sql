-- Changes since a time (SQLite). Each process keeps an in-memory listing index of the registry
-- (crate shangyun-listing-index) and polls every few seconds for enterprises and derived rows
-- written since its last poll, so that another process's writes (an import run from the
-- command line while the server runs) reach its index. Keep in step with postgres/0004.
CREATE INDEX enterprises_updated_at ON enterprises (updated_at);
CREATE INDEX derived_computed_at ON derived (computed_at);
