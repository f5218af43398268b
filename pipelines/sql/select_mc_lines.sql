-- Requirement lines: the other input of the Monte Carlo (methodology §10).
SELECT scenario_id, line_id, role, capability_code, criticality, max_readiness_days, required
FROM stg_requirements
ORDER BY scenario_id, line_id
