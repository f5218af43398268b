-- Eligible supply per scenario, year, capability and readiness value: the compact
-- "bands" the allocation draws from (a draw within a band is pro rata over its rows).
CREATE OR REPLACE TABLE int_supply_bands AS
SELECT scenario_id, year, capability_code, readiness_days, exact_sum(supply) AS supply
FROM int_supply_by_state
GROUP BY ALL
ORDER BY ALL;
