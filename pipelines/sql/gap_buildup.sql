-- The build-up after an invocation (methodology §13): per scenario, year, requirement
-- line and checkpoint day (CDP_BUILDUP_DAYS), what the line has by that day.
-- covered = what it receives when every line may draw only supply ready by the day and
-- within its own max_readiness_days; from the slowest deadline among its capability's
-- lines on, it is gap_lines.allocated. covered_if_late = what it receives when every
-- line may draw anything ready by the day, deadlines slipping. Both come from
-- int_line_buildup (§3's order and drawing rule); a value within 1e-9 × required of
-- required is rounding noise from pro-rata splits and is required.
CREATE OR REPLACE TABLE gap_buildup AS
WITH lines AS (
    SELECT b.scenario_id, b.year, b.line_id, b.day, r.role, r.capability_code, r.criticality,
           r.max_readiness_days, r.required,
           least(b.covered, r.required) AS covered,
           least(b.covered_if_late, r.required) AS covered_if_late
    FROM int_line_buildup AS b
    JOIN stg_requirements AS r USING (scenario_id, line_id)
)
SELECT scenario_id, year, line_id, day, role, capability_code, criticality,
       max_readiness_days, required,
       CASE WHEN required - covered < 1e-9 * required THEN required ELSE covered END AS covered,
       CASE WHEN required - covered_if_late < 1e-9 * required THEN required
            ELSE covered_if_late END AS covered_if_late
FROM lines
ORDER BY scenario_id, year, line_id, day;
