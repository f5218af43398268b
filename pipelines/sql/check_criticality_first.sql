-- Criticality first (methodology §3): essential lines get the most any allocation can
-- give them; given that, essential + important lines get the most they can.
WITH per_tier AS (
    SELECT l.scenario_id, l.year, l.capability_code, t.tier, exact_sum(l.allocated) AS allocated
    FROM gap_lines AS l
    JOIN (VALUES (1), (2)) AS t(tier) ON criticality_rank(l.criticality) <= t.tier
    GROUP BY ALL
)
SELECT p.scenario_id, p.year, p.capability_code, p.tier, p.allocated, b.max_allocated
FROM per_tier AS p
JOIN int_ladder_bounds AS b USING (scenario_id, year, capability_code, tier)
WHERE abs(p.allocated - b.max_allocated) > 1e-9 * greatest(b.required, 1)
ORDER BY ALL
