-- Concurrency cases: sets of scenarios that must be met at the same time (case × scenario).
CREATE OR REPLACE TABLE stg_concurrency_cases AS
SELECT case_id, name, scenario_id, scenario_order, source_file
FROM raw_concurrency_cases
ORDER BY case_id, scenario_order;
