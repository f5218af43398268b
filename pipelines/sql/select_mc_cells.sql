-- Inventory rows of the Monte Carlo (methodology §10): the accepted rows of
-- stg_inventory (after supersession) of every capability a scenario requires that are
-- in force in some year of the horizon, summed into cells that draw alike: same state,
-- capability, readiness, caveat, years in service, availability, NATO share and
-- fractional part f of the quantity. whole = Σ ⌊quantity⌋ and rows = how many rows carry
-- f: the cell's units are Binomial(whole, availability) + f × Binomial(rows, availability),
-- exactly the sum of its rows' Binomial(⌊q⌋, a) + f × Bernoulli(a).
SELECT capability_code, member_state, readiness_days, deployable_abroad,
       available_from, available_until, availability, nato_committed,
       quantity - floor(quantity) AS fraction,
       CAST(sum(floor(quantity)) AS BIGINT) AS whole,
       count(*) AS rows
FROM stg_inventory
WHERE capability_code IN (SELECT capability_code FROM stg_requirements)
  AND (available_from IS NULL OR available_from <= $base_year + $horizon_years)
  AND (available_until IS NULL OR available_until >= $base_year)
  AND quantity > 0 AND availability > 0
GROUP BY ALL
ORDER BY ALL
