-- Every secondary index keyed by USCC is a random insert per imported row. Two of them cost
-- more than they served (1m-row import 15.4–15.7 s with them, 11.7 s without, on one machine):
-- * enterprises_industry: the registry filter kept SQLite off it with `+e.industry` (a division
--   looks narrow to a planner without per-value statistics but holds thousands of firms);
-- * derived_size_class (size_class, uscc): the size-class filter is a correlated EXISTS per
--   enterprise, which the primary key (uscc, year) answers as well (a province's medium
--   firms counted over 1m: 22 ms with it, 38 ms without).
-- Keep in step with postgres/0007.
DROP INDEX IF EXISTS enterprises_industry;
DROP INDEX IF EXISTS derived_size_class;
