-- The gap per scenario, year and role (border security, domestic support): sums over lines.
CREATE OR REPLACE TABLE gap_roles AS
SELECT scenario_id, year, role,
       count(*) AS lines,
       count(*) FILTER (WHERE shortfall = 0) AS lines_met,
       count(*) FILTER (WHERE risk_level = 'high') AS high_risk_lines,
       count(*) FILTER (WHERE risk_level = 'significant') AS significant_risk_lines,
       exact_sum(required) AS required,
       exact_sum(allocated) AS allocated,
       exact_sum(required) - exact_sum(allocated) AS shortfall,
       exact_sum(allocated) / exact_sum(required) AS coverage
FROM gap_lines
GROUP BY ALL
ORDER BY scenario_id, year, role;
