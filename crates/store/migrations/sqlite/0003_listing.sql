-- Registry listings (SQLite). An officer lists their province, city or county in name or USCC
-- order; each such listing walks one index range in the sort order and stops after a page.
-- A province (2 digits) or city (4 digits) filter is written as an equality on
-- substr(registered_region, 1, n) (see filter.rs), which these expression indices order by
-- the sort key; a WITHOUT ROWID table's index entries end with the primary key (uscc), so the
-- keyset cursor (key, uscc) continues inside the range. Keep in step with postgres/0003.
CREATE INDEX enterprises_province_name ON enterprises (substr(registered_region, 1, 2), name);
CREATE INDEX enterprises_city_name ON enterprises (substr(registered_region, 1, 4), name);
CREATE INDEX enterprises_county_name ON enterprises (registered_region, name);
CREATE INDEX enterprises_province ON enterprises (substr(registered_region, 1, 2));
CREATE INDEX enterprises_city ON enterprises (substr(registered_region, 1, 4));
-- (registered_region) of 0001 serves the county in USCC order and every listing by region.

-- The planner needs statistics to choose between walking an order and gathering a filter's
-- rows; imports refresh them (Registry::refresh_statistics).
ANALYZE;
