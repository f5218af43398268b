-- Confidence per scenario, year and capability (methodology §10): p_no_shortfall = the
-- share of draws in which every line of the capability is met; shortfall_mean,
-- shortfall_p50, shortfall_p95 of Σ of its lines' shortfalls over the draws (lower
-- empirical quantiles, as quantile_disc); beside them the deterministic shortfall of
-- gap_capabilities (§3, expected values). draws and seed say how it was drawn.
CREATE OR REPLACE TABLE mc_capabilities AS
SELECT m.scenario_id, m.year, m.capability_code, m.p_no_shortfall, m.shortfall_mean,
       m.shortfall_p50, m.shortfall_p95, g.shortfall, m.draws, m.seed
FROM int_mc_capabilities AS m
LEFT JOIN gap_capabilities AS g USING (scenario_id, year, capability_code)
ORDER BY m.scenario_id, m.year, m.capability_code;
