-- Report: the CDP-style priority list (from gap_priorities), in rank order.
SELECT rank, capability_code, name, domain,
       role_label(roles) AS roles, score, worst_risk,
       scenarios_at_risk, scenarios_requiring, total_shortfall, closes_in_year
FROM gap_priorities
ORDER BY rank
