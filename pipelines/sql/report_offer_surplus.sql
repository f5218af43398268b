-- Report: every offer with what was used of it and what is left, and why (offer_surplus).
SELECT s.scenario_id, s.member_state, s.capability_code, c.name AS capability_name,
       s.offered, s.used, s.unused, s.available_in_days, s.status, s.caveats, s.source_file,
       s.row_number
FROM offer_surplus AS s
LEFT JOIN stg_capabilities AS c USING (capability_code)
ORDER BY scenario_id, unused DESC, member_state, capability_code
