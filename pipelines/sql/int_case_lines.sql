-- Requirement lines of every scenario of every concurrency case, for every year.
CREATE OR REPLACE TABLE int_case_lines AS
SELECT c.case_id, y.year, r.capability_code, r.scenario_id, s.invoking_state, r.line_id,
       r.criticality, r.max_readiness_days, r.required
FROM stg_concurrency_cases AS c
JOIN stg_scenarios AS s USING (scenario_id)
JOIN stg_requirements AS r USING (scenario_id)
CROSS JOIN int_years AS y
ORDER BY ALL;
