-- Requirement lines of accepted scenarios. required = quantity × rotation: the force
-- pool that keeps `quantity` deployed (methodology §1).
CREATE OR REPLACE TABLE stg_requirements AS
SELECT r.scenario_id, r.line_id, r.line_order, r.role, r.capability_code, r.quantity,
       r.rotation, r.quantity * r.rotation AS required, r.max_readiness_days, r.criticality,
       r.source_file
FROM raw_requirements AS r
JOIN raw_scenarios AS s USING (scenario_id)
ORDER BY r.scenario_id, r.line_order;
