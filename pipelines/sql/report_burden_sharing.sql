-- Report: burden sharing in the base year (from gap_burden_sharing): per scenario, the
-- invoking state's own effort first, then the other states by what they contribute.
SELECT b.scenario_id, b.member_state, m.name AS member_state_name, b.is_invoking_state,
       b.allocated, b.contribution_share, b.gdp_share, b.fair_share_index
FROM gap_burden_sharing AS b
LEFT JOIN stg_member_states AS m ON m.code = b.member_state
WHERE b.year = $base_year
ORDER BY b.scenario_id, b.is_invoking_state DESC, b.allocated DESC, b.member_state
