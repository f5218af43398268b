-- Each variant in the base year, all scenarios together, beside the baseline: lines
-- met, high-risk lines and total shortfall (whatif_summary), for the Dagster UI.
SELECT w.variant_id, coalesce(l.name, 'the inventory as it is') AS name,
       sum(w.lines_met)::INTEGER AS lines_met,
       sum(w.lines_met_baseline)::INTEGER AS lines_met_baseline,
       sum(w.high_risk_lines)::INTEGER AS high_risk_lines,
       sum(w.high_risk_lines_baseline)::INTEGER AS high_risk_lines_baseline,
       exact_sum(w.total_shortfall) AS total_shortfall,
       exact_sum(w.total_shortfall_baseline) AS total_shortfall_baseline
FROM whatif_summary AS w
LEFT JOIN stg_levers AS l USING (variant_id)
WHERE w.year = $base_year
GROUP BY w.variant_id, l.name
ORDER BY w.variant_id <> 'BASELINE', w.variant_id
