-- Every variant (the baseline as BASELINE, then each lever file) per scenario, year and
-- capability (methodology §12): required, allocated, shortfall and risk_level as the
-- engine computed them on the variant's inventory (int_whatif_figures), or the baseline's
-- own figures (gap_capabilities, as int_whatif_figures holds them under BASELINE) where
-- the variant changes nothing for that capability;
-- shortfall_baseline and shortfall_delta = shortfall − shortfall_baseline beside them.
CREATE OR REPLACE TABLE whatif_capabilities AS
WITH baseline AS (
    SELECT * FROM int_whatif_figures WHERE variant_id = 'BASELINE'
),
variants AS (
    SELECT 'BASELINE' AS variant_id
    UNION ALL
    SELECT variant_id FROM stg_levers
)
SELECT v.variant_id, b.scenario_id, b.year, b.capability_code,
       coalesce(f.required, b.required) AS required,
       coalesce(f.allocated, b.allocated) AS allocated,
       coalesce(f.shortfall, b.shortfall) AS shortfall,
       coalesce(f.risk_level, b.risk_level) AS risk_level,
       b.shortfall AS shortfall_baseline,
       coalesce(f.shortfall, b.shortfall) - b.shortfall AS shortfall_delta,
       b.risk_level AS risk_level_baseline,
       coalesce(f.lines, b.lines) AS lines,
       coalesce(f.lines_met, b.lines_met) AS lines_met,
       coalesce(f.high_risk_lines, b.high_risk_lines) AS high_risk_lines,
       b.lines_met AS lines_met_baseline,
       b.high_risk_lines AS high_risk_lines_baseline
FROM variants AS v
CROSS JOIN baseline AS b
LEFT JOIN int_whatif_figures AS f
  ON f.variant_id = v.variant_id AND f.scenario_id = b.scenario_id AND f.year = b.year
 AND f.capability_code = b.capability_code
ORDER BY v.variant_id <> 'BASELINE', v.variant_id, b.scenario_id, b.year, b.capability_code;
