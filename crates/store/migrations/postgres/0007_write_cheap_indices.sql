-- Every secondary index keyed by USCC is a random insert per imported row (1m-row import
-- 20.9–24.8 s before, 18.3–18.6 s after, on one machine):
-- * enterprises_registered_region (registered_region) repeats the leading column of
--   enterprises_region_order (registered_region, uscc) of 0002, which serves the same ranges;
-- * derived_size_class (size_class, uscc) becomes (size_class): heap order within a class, so
--   new rows append, and the planner can still start from a rare class (large, medium) and
--   probe enterprises, or probe derived per enterprise through its primary key.
-- enterprises_industry stays: PostgreSQL's planner uses it by its statistics, and it is cheap
-- (few distinct codes, deduplicated). Keep in step with sqlite/0007.
DROP INDEX IF EXISTS enterprises_registered_region;
DROP INDEX IF EXISTS derived_size_class;
CREATE INDEX derived_size_class ON derived (size_class);
