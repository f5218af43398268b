-- The CDP-style priority list (methodology §6), for the base year:
-- score(c) = Σ over scenarios of likelihood × risk value of (scenario, base year, c);
-- ranked by score, then total shortfall (both descending), then code.
-- closes_in_year: the first year from which every scenario's shortfall for c is zero
-- up to the end of the horizon; null if it is still open in the last year.
CREATE OR REPLACE TABLE gap_priorities AS
WITH base AS (
    SELECT c.capability_code, c.risk_value, c.shortfall, s.likelihood
    FROM gap_capabilities AS c
    JOIN stg_scenarios AS s USING (scenario_id)
    WHERE c.year = $base_year
),
scored AS (
    SELECT capability_code,
           sum(likelihood * risk_value) AS score,
           max(risk_value) AS worst_risk_value,
           count(*) FILTER (WHERE risk_value >= 2) AS scenarios_at_risk,
           count(*) AS scenarios_requiring,
           exact_sum(shortfall) AS total_shortfall
    FROM base
    GROUP BY capability_code
),
last_open AS (
    SELECT capability_code, max(year) FILTER (WHERE shortfall > 0) AS last_open_year
    FROM gap_capabilities
    GROUP BY capability_code
)
SELECT row_number() OVER (ORDER BY s.score DESC, s.total_shortfall DESC, s.capability_code)
           AS rank,
       s.capability_code, c.name, c.domain, c.roles,
       s.score, risk_name(s.worst_risk_value) AS worst_risk, s.scenarios_at_risk,
       s.scenarios_requiring, s.total_shortfall,
       CASE
           WHEN o.last_open_year IS NULL THEN CAST($base_year AS INTEGER)
           WHEN o.last_open_year >= CAST($base_year AS INTEGER) + CAST($horizon_years AS INTEGER) THEN NULL
           ELSE o.last_open_year + 1
       END AS closes_in_year
FROM scored AS s
JOIN last_open AS o USING (capability_code)
LEFT JOIN stg_capabilities AS c USING (capability_code)
ORDER BY rank;
