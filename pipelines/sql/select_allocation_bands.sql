-- Supply bands: the other input of the allocation.
SELECT scenario_id, year, capability_code, readiness_days, supply
FROM int_supply_bands
ORDER BY scenario_id, year, capability_code, readiness_days
