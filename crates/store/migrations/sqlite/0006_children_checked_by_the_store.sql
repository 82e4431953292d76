-- The registry's child rows (annual figures, titles, derived values) are written only by the
-- store, only together with their enterprise and under the write lock (see postgres/0006).
-- SQLite cannot drop a foreign key without rebuilding the table; the REFERENCES clauses of
-- 0001 stay as documentation and the store's connections no longer enforce them
-- (PRAGMA foreign_keys off: a parent lookup per child row, 6.5 → 15.6 s for 1m figures rows
-- inserted in random order on one machine). Registry::orphan_rows counts what they would have
-- refused. Nothing deletes enterprises; a delete path must delete the children itself.
-- Keep in step with postgres/0006. (Nothing to change in the schema.)
SELECT 1;
