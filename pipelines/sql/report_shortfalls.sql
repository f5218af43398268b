-- Report: the Progress-Catalogue-style list of the base year's capability shortfalls
-- (from gap_capabilities): how much, how bad, the part only new capability can close
-- (acquisition) and the part better management of existing forces could close, and
-- closes_in_year: the first year from which this scenario's shortfall for the
-- capability is zero up to the end of the horizon (null: still open at its end).
WITH open_years AS (
    SELECT scenario_id, capability_code,
           max(year) FILTER (WHERE shortfall > 0) AS last_open_year
    FROM gap_capabilities
    GROUP BY scenario_id, capability_code
)
SELECT c.scenario_id, role_label(c.roles) AS roles,
       c.capability_code, k.name AS capability_name,
       c.required, c.allocated, c.shortfall, c.coverage, c.risk_level,
       c.shortfall_acquisition, c.shortfall_management,
       CASE WHEN o.last_open_year < CAST($base_year AS INTEGER) + CAST($horizon_years AS INTEGER)
            THEN o.last_open_year + 1 END AS closes_in_year
FROM gap_capabilities AS c
JOIN open_years AS o USING (scenario_id, capability_code)
LEFT JOIN stg_capabilities AS k USING (capability_code)
WHERE c.year = $base_year AND c.shortfall > 0
ORDER BY c.scenario_id, c.risk_value DESC, c.shortfall DESC, c.capability_code
