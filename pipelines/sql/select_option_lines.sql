-- Requirement lines for every year of the horizon with their scenario's likelihood: the
-- lines whose weighted shortfall the options are chosen to reduce (methodology §11).
SELECT r.scenario_id, y.year, r.capability_code, r.line_id, r.criticality,
       r.max_readiness_days, r.required, s.likelihood
FROM stg_requirements AS r
JOIN stg_scenarios AS s USING (scenario_id)
CROSS JOIN int_years AS y
ORDER BY r.scenario_id, y.year, r.capability_code, r.line_id
