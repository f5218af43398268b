-- The gap of every requirement line in every year (methodology §3, §5).
-- allocated = what the line drew (int_line_draws); shortfall = required − allocated;
-- a shortfall below 1e-9 × required is rounding noise from pro-rata splits and is zero.
-- Risk from coverage and criticality; a coverage within 1e-9 of a band's edge
-- belongs to the higher band. day_met / day_met_if_late: the first checkpoint of
-- gap_buildup at which covered / covered_if_late meets required (§13), null if none.
CREATE OR REPLACE TABLE gap_lines AS
WITH drawn AS (
    SELECT scenario_id, year, line_id, exact_sum(drawn) AS drawn
    FROM int_line_draws
    GROUP BY ALL
),
met AS (
    SELECT scenario_id, year, line_id,
           min(day) FILTER (WHERE covered = required) AS day_met,
           min(day) FILTER (WHERE covered_if_late = required) AS day_met_if_late
    FROM gap_buildup
    GROUP BY ALL
),
lines AS (
    SELECT r.scenario_id, y.year, r.line_id, r.role, r.capability_code, r.criticality,
           r.quantity, r.rotation, r.max_readiness_days, r.required,
           least(coalesce(d.drawn, 0), r.required) AS drawn, m.day_met, m.day_met_if_late
    FROM stg_requirements AS r
    CROSS JOIN int_years AS y
    LEFT JOIN drawn AS d ON d.scenario_id = r.scenario_id AND d.year = y.year AND d.line_id = r.line_id
    LEFT JOIN met AS m ON m.scenario_id = r.scenario_id AND m.year = y.year AND m.line_id = r.line_id
),
snapped AS (
    SELECT *,
           CASE WHEN required - drawn < 1e-9 * required THEN required ELSE drawn END AS allocated
    FROM lines
),
scored AS (
    SELECT *,
           required - allocated AS shortfall,
           allocated / required AS coverage,
           CASE
               WHEN allocated = required THEN 0
               WHEN allocated / required + 1e-9 >= 0.75 THEN
                   CASE criticality WHEN 'essential' THEN 2 ELSE 1 END
               WHEN allocated / required + 1e-9 >= 0.50 THEN
                   CASE criticality WHEN 'essential' THEN 3 WHEN 'important' THEN 2 ELSE 1 END
               ELSE
                   CASE criticality WHEN 'essential' THEN 4 WHEN 'important' THEN 3 ELSE 2 END
           END AS risk_value
    FROM snapped
)
SELECT scenario_id, year, line_id, role, capability_code, criticality, quantity, rotation,
       max_readiness_days, required, allocated, shortfall, coverage,
       risk_name(risk_value) AS risk_level, risk_value, day_met, day_met_if_late
FROM scored
ORDER BY scenario_id, year, line_id;
