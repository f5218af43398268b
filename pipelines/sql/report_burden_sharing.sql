-- Report: burden sharing in the base year (from gap_burden_sharing): per scenario, the
-- invoking state's own effort first, then the other states by what they contribute.
-- allocated adds units of every kind alike (methodology §7); line_equivalents weighs
-- each piece by the requirement line it fills (a whole line counts 1).
SELECT b.scenario_id, b.member_state, m.name AS member_state_name, b.is_invoking_state,
       b.allocated, b.contribution_share, b.gdp_share, b.fair_share_index,
       b.line_equivalents, b.line_equivalent_share
FROM gap_burden_sharing AS b
LEFT JOIN stg_member_states AS m ON m.code = b.member_state
WHERE b.year = $base_year
ORDER BY b.scenario_id, b.is_invoking_state DESC, b.allocated DESC, b.member_state
