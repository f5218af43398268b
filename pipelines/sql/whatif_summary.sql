-- Every variant per scenario and year (methodology §12): how many requirement lines,
-- how many met (shortfall zero after §5's tolerance, as in gap_lines), how many at high
-- risk, and the total shortfall, each beside the baseline's.
CREATE OR REPLACE TABLE whatif_summary AS
SELECT variant_id, scenario_id, year,
       sum(lines)::INTEGER AS lines,
       sum(lines_met)::INTEGER AS lines_met,
       sum(high_risk_lines)::INTEGER AS high_risk_lines,
       exact_sum(shortfall) AS total_shortfall,
       sum(lines_met_baseline)::INTEGER AS lines_met_baseline,
       sum(high_risk_lines_baseline)::INTEGER AS high_risk_lines_baseline,
       exact_sum(shortfall_baseline) AS total_shortfall_baseline
FROM whatif_capabilities
GROUP BY variant_id, scenario_id, year
ORDER BY variant_id <> 'BASELINE', variant_id, scenario_id, year;
