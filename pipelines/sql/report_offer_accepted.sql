-- Report: accepted offers, whom to thank (from offer_allocation), with caveats and the
-- NATO double-hatting flag.
SELECT a.scenario_id, a.member_state, m.name AS member_state_name, a.line_id,
       a.capability_code, c.name AS capability_name, a.criticality, a.allocated, a.fastest_available_in_days,
       a.caveats, a.nato_double_hatting, a.nato_committed_held
FROM offer_allocation AS a
LEFT JOIN stg_member_states AS m ON m.code = a.member_state
LEFT JOIN stg_capabilities AS c USING (capability_code)
ORDER BY a.scenario_id, a.member_state, a.line_id
