-- Report: the gap per scenario and role in the base year (from gap_roles).
SELECT scenario_id, role_label(role) AS role, lines, lines_met, high_risk_lines,
       significant_risk_lines, required, allocated, shortfall, coverage
FROM gap_roles
WHERE year = $base_year
ORDER BY scenario_id, role
