-- One line per scenario for the base year: the headline planners recognise from
-- Headline Goal reviews (lines met, high-risk shortfalls, closable by management).
WITH lines AS (
    SELECT scenario_id, count(*) AS lines,
           count(*) FILTER (WHERE shortfall = 0) AS lines_met,
           count(*) FILTER (WHERE risk_level = 'high') AS high_risk_lines,
           count(*) FILTER (WHERE risk_level = 'significant') AS significant_risk_lines
    FROM gap_lines WHERE year = $base_year GROUP BY scenario_id
),
capabilities AS (
    SELECT scenario_id,
           count(*) FILTER (WHERE shortfall > 0) AS capability_shortfalls,
           count(*) FILTER (WHERE shortfall > 0 AND shortfall_acquisition = 0)
               AS closable_by_management,
           count(*) FILTER (WHERE shortfall_acquisition > 0) AS needing_acquisition
    FROM gap_capabilities WHERE year = $base_year GROUP BY scenario_id
)
SELECT scenario_id, CAST($base_year AS INTEGER) AS year, lines, lines_met, high_risk_lines,
       significant_risk_lines, capability_shortfalls, closable_by_management, needing_acquisition
FROM lines JOIN capabilities USING (scenario_id)
ORDER BY scenario_id
