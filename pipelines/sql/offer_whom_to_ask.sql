-- For every unmet need after the offers, whom to ask (methodology §8): member states other
-- than the invoking one holding eligible rows (§2, base year: in force, deployable abroad,
-- the line's capability) no slower than the line accepts; ordered by their fastest such
-- readiness, then by that eligible quantity (descending), then by code.
CREATE OR REPLACE TABLE offer_whom_to_ask AS
WITH candidates AS (
    SELECT l.scenario_id, l.line_id, l.capability_code, l.unmet, i.member_state,
           min(i.readiness_days) AS fastest_readiness_days,
           exact_sum(i.quantity * i.availability
                     * CASE WHEN s.nato_article5_concurrent THEN 1 - i.nato_committed ELSE 1 END)
               AS eligible_quantity
    FROM offer_lines AS l
    JOIN stg_scenarios AS s USING (scenario_id)
    JOIN stg_inventory AS i
      ON i.capability_code = l.capability_code
     AND i.member_state <> s.invoking_state
     AND i.deployable_abroad
     AND i.readiness_days <= l.max_readiness_days
     AND in_force(i.available_from, i.available_until, $base_year)
    WHERE l.unmet > 0
    GROUP BY ALL
    HAVING eligible_quantity > 0
)
SELECT c.scenario_id, c.line_id, c.capability_code, c.unmet,
       row_number() OVER (PARTITION BY c.scenario_id, c.line_id
                          ORDER BY c.fastest_readiness_days, c.eligible_quantity DESC,
                                   c.member_state) AS ask_rank,
       c.member_state, c.fastest_readiness_days, c.eligible_quantity,
       c.member_state IN (SELECT member_state FROM stg_offers AS o
                          WHERE o.scenario_id = c.scenario_id) AS has_offered
FROM candidates AS c
ORDER BY c.scenario_id, c.line_id, ask_rank;
