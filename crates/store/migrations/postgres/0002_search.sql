-- Registry search (PostgreSQL): name fragments through a pg_trgm GIN index, and sort orders
-- backed by indices. Keep in step with sqlite/0002_search.sql.

-- pg_trgm ships with PostgreSQL (contrib) and is a trusted extension (a database owner may
-- create it). It lives in `public` so that every schema's tables can use one installation.
-- Without it, name search still works, by scanning.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm unavailable (%): name search will scan', SQLERRM;
END
$$;
DO $$
DECLARE
    ext_schema TEXT;
BEGIN
    SELECT n.nspname INTO ext_schema FROM pg_extension x
        JOIN pg_namespace n ON n.oid = x.extnamespace WHERE x.extname = 'pg_trgm';
    IF ext_schema IS NOT NULL THEN
        EXECUTE format(
            'CREATE INDEX enterprises_name_trgm ON enterprises USING gin (name %I.gin_trgm_ops)',
            ext_schema);
    END IF;
END
$$;

-- Sort orders with USCC as tie-breaker; names in byte order ("C"), as SQLite orders them.
CREATE INDEX enterprises_name_order ON enterprises (name COLLATE "C", uscc);
CREATE INDEX enterprises_region_order ON enterprises (registered_region, uscc);

-- The region-scoped audit view joins entries to enterprises newest first.
CREATE INDEX audit_log_entity_id ON audit_log (entity, id);
