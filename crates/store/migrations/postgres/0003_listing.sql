-- Registry listings (PostgreSQL). An officer lists their province, city or county in name or
-- USCC order; each such listing walks one index range in the sort order and stops after a
-- page. A province (2 digits) or city (4 digits) filter is written as an equality on
-- substr(registered_region, 1, n) (see filter.rs), which these expression indices order by
-- the sort key, then uscc for the keyset cursor. Keep in step with sqlite/0003.
CREATE INDEX enterprises_province_name ON enterprises (substr(registered_region, 1, 2), name COLLATE "C", uscc);
CREATE INDEX enterprises_city_name ON enterprises (substr(registered_region, 1, 4), name COLLATE "C", uscc);
CREATE INDEX enterprises_county_name ON enterprises (registered_region, name COLLATE "C", uscc);
CREATE INDEX enterprises_province_uscc ON enterprises (substr(registered_region, 1, 2), uscc);
CREATE INDEX enterprises_city_uscc ON enterprises (substr(registered_region, 1, 4), uscc);
-- enterprises_region_order (registered_region, uscc) of 0002 serves the county in USCC order
-- and every listing by region.

-- Expression indices have statistics of their own; collect them now rather than at the next
-- autovacuum.
ANALYZE enterprises;
