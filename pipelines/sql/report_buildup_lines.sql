-- Report: per requirement line in the base year (from gap_lines), its deadline
-- (max_readiness_days) and the first checkpoint day by which it is met (day_met), or by
-- which it would be if its deadline could slip (day_met_if_late); both null when the
-- line is not met by the last checkpoint (last_day).
SELECT l.scenario_id, l.line_id, role_label(l.role) AS role, l.capability_code,
       k.name AS capability_name, l.criticality, l.max_readiness_days, l.required,
       l.allocated, l.shortfall, l.risk_level, l.day_met, l.day_met_if_late,
       (SELECT max(day) FROM gap_buildup) AS last_day
FROM gap_lines AS l
LEFT JOIN stg_capabilities AS k USING (capability_code)
WHERE l.year = $base_year
ORDER BY l.scenario_id, criticality_rank(l.criticality), l.max_readiness_days, l.line_id
