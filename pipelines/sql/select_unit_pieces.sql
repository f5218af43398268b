-- The §3 pieces (gap_contributions) as lib/whole_units.py rounds them: per (scenario,
-- year, capability), each line's position in §3 order (criticality, max_readiness_days,
-- line id) and, beside each piece, its line's required and allocated (gap_lines).
SELECT c.scenario_id, c.year, c.line_id, c.member_state, c.capability_code, c.role,
       c.criticality, c.is_invoking_state, c.allocated,
       l.required, l.allocated AS line_allocated,
       dense_rank() OVER (
           PARTITION BY c.scenario_id, c.year, c.capability_code
           ORDER BY criticality_rank(c.criticality), l.max_readiness_days, c.line_id
       ) AS line_order
FROM gap_contributions AS c
JOIN gap_lines AS l USING (scenario_id, year, line_id)
ORDER BY c.scenario_id, c.year, c.line_id, c.member_state
