-- Eligible effective supply per scenario, year, capability, readiness value and member
-- state (methodology §2): rows in force in the year, of a capability the scenario
-- requires, held by the invoking state or deployable abroad;
-- e = quantity × availability × (1 − nato_committed if Art. 5 runs concurrently).
CREATE OR REPLACE TABLE int_supply_by_state AS
WITH needed AS (
    SELECT DISTINCT scenario_id, capability_code FROM stg_requirements
)
SELECT s.scenario_id, y.year, g.capability_code, g.readiness_days, g.member_state,
       exact_sum(CASE WHEN s.nato_article5_concurrent THEN g.available_free ELSE g.available END)
           AS supply
FROM stg_scenarios AS s
JOIN needed AS n ON n.scenario_id = s.scenario_id
JOIN int_inventory_groups AS g
  ON g.capability_code = n.capability_code
 AND may_act_for(g.member_state, g.deployable_abroad, s.invoking_state)
JOIN int_years AS y
  ON in_force(g.available_from, g.available_until, y.year)
GROUP BY ALL
HAVING supply > 0
ORDER BY ALL;
