-- Every share of the Monte Carlo (methodology §10) lies within [0, 1] and its
-- quantiles are in order: 0 ≤ coverage_p05 ≤ coverage_p50 ≤ coverage_p95 ≤ 1 in
-- mc_lines, 0 ≤ shortfall_p50 ≤ shortfall_p95 in mc_capabilities. Lists every row that
-- breaks it (a missing figure breaks it too).
SELECT 'mc_lines' AS "table", scenario_id, year, line_id AS item, p_met AS share,
       coverage_p05 AS low, coverage_p50 AS middle, coverage_p95 AS high
FROM mc_lines
WHERE coalesce(NOT (p_met BETWEEN 0 AND 1
                    AND 0 <= coverage_p05 AND coverage_p05 <= coverage_p50
                    AND coverage_p50 <= coverage_p95 AND coverage_p95 <= 1
                    AND coverage_mean BETWEEN 0 AND 1 AND shortfall_mean >= 0), true)
UNION ALL
SELECT 'mc_capabilities', scenario_id, year, capability_code, p_no_shortfall,
       NULL, shortfall_p50, shortfall_p95
FROM mc_capabilities
WHERE coalesce(NOT (p_no_shortfall BETWEEN 0 AND 1 AND 0 <= shortfall_p50
                    AND shortfall_p50 <= shortfall_p95 AND shortfall_mean >= 0), true)
UNION ALL
SELECT 'mc_roles', scenario_id, year, role, p_essential_met, NULL, NULL, NULL
FROM mc_roles
WHERE coalesce(NOT (p_essential_met BETWEEN 0 AND 1), true)
ORDER BY ALL
