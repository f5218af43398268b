-- A line whose supply is all certain is met in every draw (methodology §10): when every
-- eligible row of its capability for the scenario and year (§2: in force, the invoking
-- state's or deployable abroad, ready within the slowest deadline of the capability's
-- lines) belongs to the invoking state and has availability 1, nothing is drawn, so a
-- line with no deterministic shortfall (gap_lines) must have p_met = 1.
WITH slowest AS (
    SELECT scenario_id, capability_code, max(max_readiness_days) AS days
    FROM stg_requirements
    GROUP BY ALL
),
uncertain AS (
    SELECT DISTINCT c.scenario_id, y.year, c.capability_code
    FROM slowest AS c
    JOIN stg_scenarios AS s USING (scenario_id)
    JOIN stg_inventory AS i
      ON i.capability_code = c.capability_code
     AND may_act_for(i.member_state, i.deployable_abroad, s.invoking_state)
     AND i.readiness_days <= c.days
    JOIN int_years AS y ON in_force(i.available_from, i.available_until, y.year)
    WHERE i.member_state <> s.invoking_state OR i.availability < 1
)
SELECT m.scenario_id, m.year, m.line_id, g.shortfall, m.p_met
FROM mc_lines AS m
JOIN gap_lines AS g USING (scenario_id, year, line_id)
WHERE g.shortfall = 0 AND m.p_met < 1
  AND NOT EXISTS (
      SELECT 1 FROM uncertain AS u
      WHERE u.scenario_id = m.scenario_id AND u.year = m.year
        AND u.capability_code = m.capability_code
  )
ORDER BY ALL
