-- Accepted Art. 42.7 contingency scenarios, one row each.
CREATE OR REPLACE TABLE stg_scenarios AS
SELECT scenario_id, name, invoking_state, nato_article5_concurrent, likelihood,
       duration_days, description, source_file
FROM raw_scenarios
ORDER BY scenario_id;
