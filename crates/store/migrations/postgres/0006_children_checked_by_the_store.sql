-- The registry's child rows (annual figures, titles, derived values) are written only by the
-- store, only together with their enterprise (a record carries it; check_record refuses a
-- child of another USCC) and in a transaction that holds the registry's write lock. The
-- foreign keys to enterprises re-checked that for every row: a lookup of the parent and a
-- row lock per inserted child, 4.9 → 14.4 s for 1m figures rows on one machine, the largest
-- single cost of an import. They are dropped; Registry::orphan_rows counts what they would
-- have refused (the conformance suite asserts 0). Nothing deletes enterprises; a delete path
-- must delete the children itself (there is no ON DELETE CASCADE any more).
-- Keep in step with sqlite/0006.
ALTER TABLE annual_figures DROP CONSTRAINT IF EXISTS annual_figures_uscc_fkey;
ALTER TABLE titles DROP CONSTRAINT IF EXISTS titles_uscc_fkey;
ALTER TABLE derived DROP CONSTRAINT IF EXISTS derived_uscc_fkey;
