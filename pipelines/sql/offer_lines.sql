-- Needs against offers per requirement line of each scenario with offers: offered (the
-- offers of the line's capability quick enough for it), allocated, and the unmet need
-- (required − allocated; below 1e-9 × required it is rounding noise and zero).
CREATE OR REPLACE TABLE offer_lines AS
WITH drawn AS (
    SELECT scenario_id, line_id, exact_sum(drawn) AS drawn FROM int_offer_draws GROUP BY ALL
),
offered AS (
    SELECT r.scenario_id, r.line_id, exact_sum(o.quantity) AS offered
    FROM stg_requirements AS r
    JOIN stg_offers AS o
      ON o.scenario_id = r.scenario_id AND o.capability_code = r.capability_code
     AND o.available_in_days <= r.max_readiness_days
    GROUP BY ALL
),
lines AS (
    SELECT r.scenario_id, r.line_id, r.role, r.capability_code, r.criticality,
           r.max_readiness_days, r.required, coalesce(o.offered, 0) AS offered,
           least(coalesce(d.drawn, 0), r.required) AS drawn
    FROM stg_requirements AS r
    LEFT JOIN drawn AS d USING (scenario_id, line_id)
    LEFT JOIN offered AS o USING (scenario_id, line_id)
    WHERE r.scenario_id IN (SELECT scenario_id FROM stg_offers)
)
SELECT scenario_id, line_id, role, capability_code, criticality, max_readiness_days,
       required, offered,
       CASE WHEN required - drawn < 1e-9 * required THEN required ELSE drawn END AS allocated,
       required - CASE WHEN required - drawn < 1e-9 * required THEN required ELSE drawn END
           AS unmet,
       CASE WHEN required - drawn < 1e-9 * required THEN 1 ELSE drawn / required END AS coverage
FROM lines
ORDER BY scenario_id, line_id;
