-- Report: the base year's requirement lines with a shortfall (from gap_lines), largest
-- first, for the chart of top shortfalls by scenario and role.
SELECT l.scenario_id, l.line_id, role_label(l.role) AS role, l.capability_code,
       k.name AS capability_name, l.criticality, l.required, l.allocated, l.shortfall,
       l.coverage, l.risk_level
FROM gap_lines AS l
LEFT JOIN stg_capabilities AS k USING (capability_code)
WHERE l.year = $base_year AND l.shortfall > 0
ORDER BY l.shortfall DESC, l.scenario_id, l.line_id
