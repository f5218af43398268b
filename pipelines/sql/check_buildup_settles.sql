-- The build-up settles on the allocation (methodology §13): at every checkpoint on or
-- after the slowest max_readiness_days among the lines of a scenario, year and
-- capability, a line's covered equals its allocated in gap_lines; and every line has
-- its build-up rows.
WITH slowest AS (
    SELECT scenario_id, year, capability_code, max(max_readiness_days) AS slowest
    FROM gap_lines
    GROUP BY ALL
)
SELECT l.scenario_id, l.year, l.line_id, b.day, s.slowest, l.required, l.allocated, b.covered
FROM gap_lines AS l
JOIN slowest AS s USING (scenario_id, year, capability_code)
JOIN gap_buildup AS b USING (scenario_id, year, line_id)
WHERE b.day >= s.slowest
  AND (b.covered IS NULL OR abs(b.covered - l.allocated) > 1e-9 * greatest(l.required, 1))
UNION ALL
SELECT l.scenario_id, l.year, l.line_id, NULL, NULL, l.required, l.allocated, NULL
FROM gap_lines AS l
ANTI JOIN gap_buildup AS b USING (scenario_id, year, line_id)
ORDER BY ALL
