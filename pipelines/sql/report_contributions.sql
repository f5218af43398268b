-- Report: who fills what in the base year (from gap_contributions), beside each line's
-- required and allocated (gap_lines) and the whole units to request of each state
-- (gap_unit_requests): a line's contributions sum to its allocated, its units to its
-- allocated rounded. Ordered so that the rows of one scenario and capability stand
-- together.
SELECT c.scenario_id, c.capability_code, k.name AS capability_name, c.line_id,
       role_label(c.role) AS role,
       c.criticality, c.member_state, c.is_invoking_state, c.allocated, u.units,
       c.fastest_readiness_days, c.slowest_readiness_days,
       l.required AS line_required, l.allocated AS line_allocated
FROM gap_contributions AS c
JOIN gap_lines AS l USING (scenario_id, year, line_id)
LEFT JOIN gap_unit_requests AS u USING (scenario_id, year, line_id, member_state)
LEFT JOIN stg_capabilities AS k ON k.capability_code = c.capability_code
WHERE c.year = $base_year
ORDER BY c.scenario_id, c.capability_code, c.line_id, c.member_state
