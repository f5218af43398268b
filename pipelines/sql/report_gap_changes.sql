-- Report: what changed since the previous refresh, one row per scenario and capability
-- (from gap_changes), worse first, then by the size of the largest shortfall change:
-- the years it affects, the base-year risk and shortfall before and now, and the input
-- change that caused it where one input row explains it (else how many rows changed).
SELECT g.scenario_id, g.capability_code, k.name AS capability_name, g.change, g.years,
       g.risk_before, g.risk_now, g.shortfall_before, g.shortfall_now,
       g.largest_shortfall_change, g.largest_change_year, g.cause,
       g.cause_file, g.cause_row, g.cause_line_id, g.cause_column, g.cause_old, g.cause_new
FROM gap_changes AS g
LEFT JOIN stg_capabilities AS k USING (capability_code)
ORDER BY CASE g.change WHEN 'worse' THEN 1 WHEN 'mixed' THEN 2 WHEN 'newly assessed' THEN 3
                       WHEN 'no longer assessed' THEN 4 ELSE 5 END,
         abs(g.largest_shortfall_change) DESC, g.scenario_id, g.capability_code
