-- Report: every offer with what was used of it and what is left, and why (offer_surplus).
SELECT scenario_id, member_state, capability_code, offered, used, unused,
       available_in_days, status, caveats, source_file, row_number
FROM offer_surplus
ORDER BY scenario_id, unused DESC, member_state, capability_code
