-- Report: the coordination matrix, accepted quantity per member state and capability.
SELECT scenario_id, member_state, capability_code, accepted, nato_double_hatting
FROM offer_coordination
ORDER BY scenario_id, member_state, capability_code
