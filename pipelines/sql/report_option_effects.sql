-- Report: what the choice at the options file's budget closes (from option_effects):
-- per scenario and capability, the shortfall before and after in the base year and the
-- years in which it shrinks. Only pairs the choice changes.
WITH changed AS (
    SELECT scenario_id, capability_code, year, shortfall_before, shortfall_after
    FROM option_effects
    WHERE shortfall_before - shortfall_after > 1e-9 * greatest(shortfall_before, 1)
)
SELECT c.scenario_id, c.capability_code, k.name AS capability_name,
       min(c.year) AS first_year, max(c.year) AS last_year, count(*) AS years,
       any_value(c.shortfall_before) FILTER (WHERE c.year = $base_year) AS shortfall_before,
       any_value(c.shortfall_after) FILTER (WHERE c.year = $base_year) AS shortfall_after,
       exact_sum(c.shortfall_before - c.shortfall_after) AS closed_over_the_horizon
FROM changed AS c
LEFT JOIN stg_capabilities AS k USING (capability_code)
GROUP BY c.scenario_id, c.capability_code, k.name
ORDER BY closed_over_the_horizon DESC, c.scenario_id, c.capability_code
