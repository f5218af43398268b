-- Requirement lines for every year of the horizon: the input of the allocation.
SELECT r.scenario_id, y.year, r.capability_code, r.line_id, r.criticality,
       r.max_readiness_days, r.required
FROM stg_requirements AS r
CROSS JOIN int_years AS y
ORDER BY r.scenario_id, y.year, r.capability_code, r.line_id
