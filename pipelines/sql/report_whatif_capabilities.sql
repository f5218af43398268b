-- Report: the capabilities each what-if variant moves (methodology §12; from
-- whatif_capabilities): per variant, scenario and capability where the shortfall moves
-- beyond §5's tolerance or the risk changes in some year of the horizon; the risk and
-- shortfall in the base year beside the baseline's, the first and last year it moves,
-- and closed = Σ over the horizon of shortfall_baseline − shortfall (negative where the
-- variant opens more shortfall). Largest closed first within a variant.
WITH moved AS (
    SELECT variant_id, scenario_id, year, capability_code, shortfall, shortfall_baseline,
           risk_level, risk_level_baseline
    FROM whatif_capabilities
    WHERE variant_id <> 'BASELINE'
      AND (abs(shortfall_delta) > 1e-9 * greatest(required, 1)
           OR risk_level IS DISTINCT FROM risk_level_baseline)
),
base AS (
    SELECT variant_id, scenario_id, capability_code, shortfall, shortfall_baseline,
           risk_level, risk_level_baseline
    FROM whatif_capabilities
    WHERE year = $base_year
)
SELECT m.variant_id, m.scenario_id, m.capability_code, k.name AS capability_name,
       b.risk_level_baseline, b.risk_level,
       b.shortfall_baseline, b.shortfall,
       CASE WHEN abs(b.shortfall_baseline - b.shortfall)
                 <= 1e-9 * greatest(b.shortfall_baseline, 1) THEN 0
            ELSE b.shortfall_baseline - b.shortfall END AS closed_in_base_year,
       min(m.year) AS first_year, max(m.year) AS last_year,
       exact_sum(m.shortfall_baseline - m.shortfall) AS closed_over_the_horizon
FROM moved AS m
LEFT JOIN base AS b USING (variant_id, scenario_id, capability_code)
LEFT JOIN stg_capabilities AS k USING (capability_code)
GROUP BY ALL
ORDER BY m.variant_id, closed_over_the_horizon DESC, m.scenario_id, m.capability_code
