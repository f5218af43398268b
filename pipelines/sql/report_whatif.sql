-- Report: every what-if variant per scenario and year beside the baseline (methodology
-- §12; from whatif_summary, with the variant's name and kind from stg_levers): lines,
-- lines met, high-risk lines and total shortfall, each beside the baseline's; closed =
-- total_shortfall_baseline − total_shortfall (negative where the variant opens more
-- shortfall, as a withdrawal may; 0 within §5's tolerance of the baseline's) and the
-- share of the baseline's shortfall it closes. The baseline itself comes first
-- (variant BASELINE, kind 'baseline'), then the variants in report_levers' order.
SELECT w.variant_id,
       coalesce(l.name, 'the inventory as it is') AS variant_name,
       CASE WHEN w.variant_id = 'BASELINE' THEN 'baseline'
            WHEN l.changes = 1 THEN 'single lever'
            WHEN l.changes > 1 THEN 'package'
            ELSE 'no change' END AS kind,
       CASE WHEN w.variant_id = 'BASELINE' THEN 0
            WHEN l.changes = 1 THEN 1 WHEN l.changes > 1 THEN 2 ELSE 3 END AS kind_order,
       w.scenario_id, w.year, w.lines,
       w.lines_met, w.lines_met_baseline,
       w.high_risk_lines, w.high_risk_lines_baseline,
       w.total_shortfall, w.total_shortfall_baseline,
       CASE WHEN abs(w.total_shortfall_baseline - w.total_shortfall)
                 <= 1e-9 * greatest(w.total_shortfall_baseline, 1) THEN 0
            ELSE w.total_shortfall_baseline - w.total_shortfall END AS closed,
       CASE WHEN w.total_shortfall_baseline <= 1e-9 THEN NULL
            WHEN abs(w.total_shortfall_baseline - w.total_shortfall)
                 <= 1e-9 * greatest(w.total_shortfall_baseline, 1) THEN 0
            ELSE (w.total_shortfall_baseline - w.total_shortfall)
                 / w.total_shortfall_baseline END AS share_closed
FROM whatif_summary AS w
LEFT JOIN stg_levers AS l USING (variant_id)
ORDER BY kind_order, w.variant_id, w.scenario_id, w.year
