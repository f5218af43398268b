-- Report: the concurrency cases in the base year (from gap_cases): what is covered when
-- the case's scenarios compete for one inventory, beside the sum of the single-scenario
-- shortfalls; concurrency_shortfall is what only shows when the crises come at once.
WITH cases AS (
    SELECT case_id, any_value(name) AS case_name,
           string_agg(scenario_id, ', ' ORDER BY scenario_order) AS scenarios
    FROM stg_concurrency_cases
    GROUP BY case_id
)
SELECT g.case_id, c.case_name, c.scenarios, g.capability_code, k.name AS capability_name,
       g.criticality,
       g.required, g.covered, g.shortfall, g.coverage, g.shortfall_single_scenarios,
       g.concurrency_shortfall
FROM gap_cases AS g
LEFT JOIN cases AS c USING (case_id)
LEFT JOIN stg_capabilities AS k USING (capability_code)
WHERE g.year = $base_year
ORDER BY g.case_id, g.concurrency_shortfall DESC, g.shortfall DESC, g.capability_code,
         criticality_rank(g.criticality)
