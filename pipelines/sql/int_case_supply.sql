-- One inventory shared by the scenarios of a case (methodology §4): a row's capacity is
-- quantity × availability × (1 − nato_committed if any scenario of the case has Art. 5
-- running concurrently). Which line it may serve is decided in the linear program.
CREATE OR REPLACE TABLE int_case_supply AS
WITH cases AS (
    SELECT c.case_id, bool_or(s.nato_article5_concurrent) AS art5
    FROM stg_concurrency_cases AS c
    JOIN stg_scenarios AS s USING (scenario_id)
    GROUP BY c.case_id
),
needed AS (
    SELECT DISTINCT case_id, capability_code FROM int_case_lines
)
SELECT n.case_id, y.year, g.capability_code, g.member_state, g.deployable_abroad,
       g.readiness_days,
       exact_sum(CASE WHEN c.art5 THEN g.available_free ELSE g.available END) AS capacity
FROM needed AS n
JOIN cases AS c USING (case_id)
JOIN int_inventory_groups AS g USING (capability_code)
JOIN int_years AS y
  ON in_force(g.available_from, g.available_until, y.year)
GROUP BY ALL
HAVING capacity > 0
ORDER BY ALL;
