-- Requirement lines of every scenario that has offers: the needs offers are matched to,
-- once, against the base year (methodology §8).
SELECT r.scenario_id, CAST($base_year AS INTEGER) AS year, r.capability_code, r.line_id,
       r.criticality, r.max_readiness_days, r.required
FROM stg_requirements AS r
WHERE r.scenario_id IN (SELECT scenario_id FROM stg_offers)
ORDER BY r.scenario_id, r.capability_code, r.line_id
