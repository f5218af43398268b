-- Offers as supply bands (methodology §8): readiness = available_in_days, availability 1,
-- no NATO discount, eligible whatever the caveats.
SELECT scenario_id, CAST($base_year AS INTEGER) AS year, capability_code,
       available_in_days AS readiness_days, exact_sum(quantity) AS supply
FROM stg_offers
GROUP BY ALL
ORDER BY ALL
