-- A variant's figures per scenario, year and capability, from the gap engine's own
-- tables (gap_capabilities, gap_lines): required, allocated, shortfall, risk_level
-- (§3-§5) and the line counts of whatif_summary. Run in `main` for the baseline, and with
-- the schema `whatif` first in the search path for a variant (the capabilities it
-- touches, as the engine built them there).
SELECT $variant_id AS variant_id, c.scenario_id, c.year, c.capability_code, c.required,
       c.allocated, c.shortfall, c.risk_level, c.lines, c.lines_met, l.high_risk_lines
FROM gap_capabilities AS c
JOIN (SELECT scenario_id, year, capability_code,
             count(*) FILTER (WHERE risk_level = 'high') AS high_risk_lines
      FROM gap_lines GROUP BY ALL) AS l
  USING (scenario_id, year, capability_code)
ORDER BY c.scenario_id, c.year, c.capability_code
