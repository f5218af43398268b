-- The planning horizon: CDP_BASE_YEAR to base + CDP_HORIZON_YEARS, inclusive (methodology §1).
CREATE OR REPLACE TABLE int_years AS
SELECT CAST(range AS INTEGER) AS year
FROM range(CAST($base_year AS BIGINT), CAST($base_year AS BIGINT) + CAST($horizon_years AS BIGINT) + 1)
ORDER BY year;
