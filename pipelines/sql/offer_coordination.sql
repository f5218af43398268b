-- The coordination matrix: what was accepted per scenario, member state and capability.
CREATE OR REPLACE TABLE offer_coordination AS
SELECT scenario_id, member_state, capability_code, exact_sum(allocated) AS accepted,
       bool_or(nato_double_hatting) AS nato_double_hatting
FROM offer_allocation
GROUP BY ALL
ORDER BY ALL;
