-- Concurrency cases per year, capability and criticality (methodology §4): what the
-- lexicographic linear program covers when the case's scenarios compete for one
-- inventory, beside the sum of the single-scenario shortfalls. The difference
-- (concurrency_shortfall) is what only shows when the crises come at once.
CREATE OR REPLACE TABLE gap_cases AS
WITH single AS (
    SELECT c.case_id, l.year, l.capability_code, l.criticality,
           exact_sum(l.shortfall) AS shortfall_single_scenarios
    FROM stg_concurrency_cases AS c
    JOIN gap_lines AS l USING (scenario_id)
    GROUP BY ALL
)
SELECT v.case_id, v.year, v.capability_code, v.criticality, v.required, v.covered,
       v.shortfall, v.covered / v.required AS coverage,
       coalesce(s.shortfall_single_scenarios, 0) AS shortfall_single_scenarios,
       greatest(0, v.shortfall - coalesce(s.shortfall_single_scenarios, 0))
           AS concurrency_shortfall
FROM int_case_cover AS v
LEFT JOIN single AS s USING (case_id, year, capability_code, criticality)
ORDER BY v.case_id, v.year, v.capability_code, criticality_rank(v.criticality);
