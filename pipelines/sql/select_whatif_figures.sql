-- One variant's figures per scenario, year and capability it touches, from the gap
-- engine's own tables as it built them in the schema `whatif` (gap_capabilities,
-- gap_lines; run with that schema first in the search path): required, allocated,
-- shortfall, risk_level (§3-§5, exactly as for the baseline) and the line counts of
-- whatif_summary.
SELECT $variant_id AS variant_id, c.scenario_id, c.year, c.capability_code, c.required,
       c.allocated, c.shortfall, c.risk_level, c.lines, c.lines_met, l.high_risk_lines
FROM gap_capabilities AS c
JOIN (SELECT scenario_id, year, capability_code,
             count(*) FILTER (WHERE risk_level = 'high') AS high_risk_lines
      FROM gap_lines GROUP BY ALL) AS l
  USING (scenario_id, year, capability_code)
ORDER BY c.scenario_id, c.year, c.capability_code
