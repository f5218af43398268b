-- The what-if table holds the baseline as it is (methodology §12): the BASELINE rows equal
-- gap_capabilities, every variant has a row for each of them, shortfall_delta is
-- shortfall − shortfall_baseline, and a lever file without changes moves nothing.
-- One row per breach.
WITH base AS (
    SELECT * FROM whatif_capabilities WHERE variant_id = 'BASELINE'
),
differs AS (
    SELECT 'BASELINE' AS variant_id, coalesce(g.scenario_id, b.scenario_id) AS scenario_id,
           coalesce(g.year, b.year) AS year,
           coalesce(g.capability_code, b.capability_code) AS capability_code,
           'BASELINE differs from gap_capabilities' AS breach
    FROM gap_capabilities AS g
    FULL JOIN base AS b USING (scenario_id, year, capability_code)
    WHERE b.scenario_id IS NULL OR g.scenario_id IS NULL
       OR g.required IS DISTINCT FROM b.required OR g.allocated IS DISTINCT FROM b.allocated
       OR g.shortfall IS DISTINCT FROM b.shortfall OR g.risk_level IS DISTINCT FROM b.risk_level
       OR b.shortfall_delta <> 0
),
missing AS (
    SELECT l.variant_id, g.scenario_id, g.year, g.capability_code,
           'no row for this capability' AS breach
    FROM stg_levers AS l
    CROSS JOIN gap_capabilities AS g
    ANTI JOIN whatif_capabilities AS w
      ON w.variant_id = l.variant_id AND w.scenario_id = g.scenario_id AND w.year = g.year
     AND w.capability_code = g.capability_code
),
delta AS (
    SELECT variant_id, scenario_id, year, capability_code,
           'shortfall_delta is not shortfall - shortfall_baseline' AS breach
    FROM whatif_capabilities
    WHERE shortfall_delta IS DISTINCT FROM shortfall - shortfall_baseline
),
unchanged AS (
    SELECT w.variant_id, w.scenario_id, w.year, w.capability_code,
           'a lever file without changes moves the shortfall' AS breach
    FROM whatif_capabilities AS w
    JOIN stg_levers AS l ON l.variant_id = w.variant_id AND l.changes = 0
    WHERE w.shortfall_delta <> 0
)
SELECT * FROM differs
UNION ALL SELECT * FROM missing
UNION ALL SELECT * FROM delta
UNION ALL SELECT * FROM unchanged
ORDER BY ALL
