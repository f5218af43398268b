-- gap_unit_requests keeps the line totals and asks no state for too much: every piece's
-- units is its allocated rounded down or up, every line's units total is the floor or
-- the ceiling of its allocated total, and each state's units within a (scenario, year,
-- capability) are at most the ceiling of what it gives there. A value within 1e-9 of a
-- whole number counts as that number.
WITH totals AS (
    SELECT 'piece' AS level, scenario_id, year, capability_code, line_id, member_state,
           allocated, units
    FROM gap_unit_requests
    UNION ALL
    SELECT 'line', scenario_id, year, capability_code, line_id, NULL,
           exact_sum(allocated), sum(units)
    FROM gap_unit_requests
    GROUP BY scenario_id, year, capability_code, line_id
    UNION ALL
    SELECT 'state', scenario_id, year, capability_code, NULL, member_state,
           exact_sum(allocated), sum(units)
    FROM gap_unit_requests
    GROUP BY scenario_id, year, capability_code, member_state
),
bounds AS (
    SELECT *,
           CASE WHEN abs(allocated - round(allocated)) <= 1e-9 THEN round(allocated)
                ELSE floor(allocated) END AS lowest,
           CASE WHEN abs(allocated - round(allocated)) <= 1e-9 THEN round(allocated)
                ELSE ceil(allocated) END AS highest
    FROM totals
)
SELECT level, scenario_id, year, capability_code, line_id, member_state, allocated, units,
       lowest, highest
FROM bounds
WHERE units IS NULL OR units > highest OR (level <> 'state' AND units < lowest)
ORDER BY ALL
