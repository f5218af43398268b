-- The baseline's figures per scenario, year and capability as whatif_capabilities uses
-- them: gap_capabilities with the count of high-risk lines from gap_lines.
SELECT c.scenario_id, c.year, c.capability_code, c.required, c.allocated, c.shortfall,
       c.risk_level, c.lines, c.lines_met, l.high_risk_lines
FROM gap_capabilities AS c
JOIN (SELECT scenario_id, year, capability_code,
             count(*) FILTER (WHERE risk_level = 'high') AS high_risk_lines
      FROM gap_lines GROUP BY ALL) AS l
  USING (scenario_id, year, capability_code)
ORDER BY c.scenario_id, c.year, c.capability_code
