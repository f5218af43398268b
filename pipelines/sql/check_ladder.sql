-- Ladder invariant (methodology §3): per scenario, year and capability, the sum of line
-- shortfalls equals the smallest shortfall any allocation can reach.
WITH actual AS (
    SELECT scenario_id, year, capability_code, exact_sum(shortfall) AS shortfall,
           exact_sum(required) AS required
    FROM gap_lines
    GROUP BY ALL
)
SELECT a.scenario_id, a.year, a.capability_code, a.shortfall, b.min_shortfall AS ladder_shortfall
FROM actual AS a
JOIN int_ladder_bounds AS b USING (scenario_id, year, capability_code)
WHERE b.tier = 3 AND abs(a.shortfall - b.min_shortfall) > 1e-9 * greatest(a.required, 1)
ORDER BY ALL
