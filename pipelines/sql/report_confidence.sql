-- Report: how sure each requirement line is (methodology §10), every year of the
-- horizon: the §5 risk on expected values beside p_met, the share of the Monte Carlo
-- draws in which the line is met, its confidence band (high ≥ 0.9, medium ≥ 0.5, else
-- low) and the p05 / p50 / p95 of its coverage over the draws (from mc_lines).
SELECT m.scenario_id, m.year, m.line_id, role_label(l.role) AS role, l.capability_code,
       k.name AS capability_name, l.criticality, l.max_readiness_days, l.required,
       l.coverage, l.risk_level, m.p_met,
       CASE WHEN m.p_met >= 0.9 THEN 'high' WHEN m.p_met >= 0.5 THEN 'medium' ELSE 'low'
       END AS confidence,
       m.coverage_mean, m.coverage_p05, m.coverage_p50, m.coverage_p95, m.shortfall_mean,
       m.draws, m.seed
FROM mc_lines AS m
JOIN gap_lines AS l USING (scenario_id, year, line_id)
LEFT JOIN stg_capabilities AS k ON k.capability_code = l.capability_code
ORDER BY m.scenario_id, m.year, criticality_rank(l.criticality), l.max_readiness_days,
         m.line_id
