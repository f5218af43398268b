-- Eligible effective supply of each candidate option per scenario, year, capability and
-- readiness value (methodology §11 with §2): an option is one more inventory row, so it
-- counts where it is in force in the year, of a capability the scenario requires, held by
-- the invoking state or deployable abroad, with e = quantity × availability ×
-- (1 − nato_committed if Art. 5 runs concurrently).
CREATE OR REPLACE TABLE int_option_supply AS
WITH needed AS (
    SELECT DISTINCT scenario_id, capability_code FROM stg_requirements
),
supply AS (
    SELECT o.option_id, s.scenario_id, y.year, o.capability_code, o.readiness_days,
           o.quantity * o.availability
               * CASE WHEN s.nato_article5_concurrent THEN 1 - o.nato_committed ELSE 1 END
               AS supply
    FROM stg_options AS o
    JOIN needed AS n ON n.capability_code = o.capability_code
    JOIN stg_scenarios AS s
      ON s.scenario_id = n.scenario_id
     AND may_act_for(o.member_state, o.deployable_abroad, s.invoking_state)
    JOIN int_years AS y ON in_force(o.available_from, o.available_until, y.year)
)
SELECT * FROM supply
WHERE supply > 0
ORDER BY ALL;
