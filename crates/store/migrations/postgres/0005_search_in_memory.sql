-- Registry search is served by each node's in-memory listing index (crate
-- shangyun-listing-index, see ARCHITECTURE.md). The indices that duplicated it for search —
-- the pg_trgm name index, the name order and migration 0003's five listing indices — cost
-- every write of an import. The few requests the index does not hold (a given year, titles
-- held, the seconds before the index is built) use the region, industry and derived indices
-- and test names row by row. The pg_trgm extension is left installed (other objects may use
-- it). Keep in step with sqlite/0005.
DROP INDEX IF EXISTS enterprises_name_trgm;
DROP INDEX IF EXISTS enterprises_name_order;
DROP INDEX IF EXISTS enterprises_province_name;
DROP INDEX IF EXISTS enterprises_city_name;
DROP INDEX IF EXISTS enterprises_county_name;
DROP INDEX IF EXISTS enterprises_province_uscc;
DROP INDEX IF EXISTS enterprises_city_uscc;
