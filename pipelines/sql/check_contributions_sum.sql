-- Σ gap_contributions = allocated, for every line and year.
WITH given AS (
    SELECT scenario_id, year, line_id, exact_sum(allocated) AS contributed
    FROM gap_contributions
    GROUP BY ALL
)
SELECT l.scenario_id, l.year, l.line_id, l.allocated, coalesce(g.contributed, 0) AS contributed
FROM gap_lines AS l
LEFT JOIN given AS g USING (scenario_id, year, line_id)
WHERE abs(l.allocated - coalesce(g.contributed, 0)) > 1e-9 * greatest(l.required, 1)
ORDER BY ALL
