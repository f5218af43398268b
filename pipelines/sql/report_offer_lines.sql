-- Report: needs against offers per requirement line of each scenario with offers
-- (from offer_lines): required, offered quick enough, accepted, and what stays unmet.
SELECT l.scenario_id, l.line_id, role_label(l.role) AS role, l.capability_code, c.name AS capability_name,
       l.criticality, l.max_readiness_days, l.required, l.offered, l.allocated, l.unmet,
       l.coverage
FROM offer_lines AS l
LEFT JOIN stg_capabilities AS c USING (capability_code)
ORDER BY l.scenario_id, l.unmet DESC, l.line_id
