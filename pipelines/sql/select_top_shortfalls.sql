-- The largest capability shortfalls of the base year.
SELECT scenario_id, capability_code, required, allocated, shortfall, risk_level,
       shortfall_acquisition, shortfall_management
FROM gap_capabilities
WHERE year = $base_year AND shortfall > 0
ORDER BY shortfall DESC, scenario_id, capability_code
LIMIT 10
