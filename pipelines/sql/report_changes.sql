-- Report: what changed between the two latest refreshes in gap_history, per scenario,
-- year and capability: a risk level that moved, a shortfall that changed by more than
-- rounding noise (1e-9 × required, methodology §5), or a row that appeared or went.
-- No rows when fewer than two refreshes are on record.
WITH runs AS (
    SELECT run_id, row_number() OVER (ORDER BY run_at DESC, run_id DESC) AS age
    FROM (SELECT DISTINCT run_id, run_at FROM gap_history)
),
current_run AS (
    SELECT h.* FROM gap_history AS h JOIN runs AS r USING (run_id) WHERE r.age = 1
),
previous_run AS (
    SELECT h.* FROM gap_history AS h JOIN runs AS r USING (run_id) WHERE r.age = 2
)
SELECT year, scenario_id, capability_code,
       CASE
           WHEN p.risk_value IS NULL THEN 'newly assessed'
           WHEN c.risk_value IS NULL THEN 'no longer assessed'
           WHEN c.risk_value > p.risk_value THEN 'worse'
           WHEN c.risk_value < p.risk_value THEN 'better'
           WHEN c.shortfall > p.shortfall THEN 'worse'
           ELSE 'better'
       END AS change,
       p.risk_level AS risk_before, c.risk_level AS risk_now,
       p.shortfall AS shortfall_before, c.shortfall AS shortfall_now,
       coalesce(c.shortfall, 0) - coalesce(p.shortfall, 0) AS shortfall_change
FROM current_run AS c
FULL OUTER JOIN previous_run AS p USING (scenario_id, year, capability_code)
WHERE EXISTS (SELECT 1 FROM runs WHERE age = 2)
  AND (c.risk_value IS NULL OR p.risk_value IS NULL
       OR c.risk_value <> p.risk_value
       OR abs(c.shortfall - p.shortfall) > 1e-9 * greatest(c.required, p.required))
ORDER BY year, scenario_id, capability_code
