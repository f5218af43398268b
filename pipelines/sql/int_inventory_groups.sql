-- Staged inventory rows that behave alike in every rule (same state, capability,
-- readiness, caveat and years in service), summed. Later steps expand years and
-- scenarios over these groups instead of over every row.
--   held           = Σ quantity
--   available      = Σ quantity × availability
--   available_free = Σ quantity × availability × (1 − nato_committed)
CREATE OR REPLACE TABLE int_inventory_groups AS
SELECT member_state, capability_code, readiness_days, deployable_abroad,
       available_from, available_until,
       exact_sum(quantity) AS held,
       exact_sum(quantity * availability) AS available,
       exact_sum(quantity * availability * (1 - nato_committed)) AS available_free,
       count(*) AS inventory_rows
FROM stg_inventory
GROUP BY ALL
ORDER BY ALL;
