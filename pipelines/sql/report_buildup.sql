-- Report: how fast the cover builds up after an invocation (methodology §13), base year:
-- per scenario, role and checkpoint day, the share of the requirement covered by that
-- day within each line's deadline (share) and if deadlines could slip (share_if_late),
-- from gap_buildup. Role 'all roles' is the scenario as a whole.
WITH sums AS (
    SELECT scenario_id, role, day, grouping(role) AS is_total,
           exact_sum(required) AS required, exact_sum(covered) AS covered,
           exact_sum(covered_if_late) AS covered_if_late
    FROM gap_buildup
    WHERE year = $base_year
    GROUP BY GROUPING SETS ((scenario_id, role, day), (scenario_id, day))
)
SELECT scenario_id, CASE WHEN is_total = 1 THEN 'all roles' ELSE role_label(role) END AS role,
       day, required, covered, covered_if_late,
       covered / required AS share, covered_if_late / required AS share_if_late
FROM sums
ORDER BY scenario_id, is_total DESC, role, day
