-- Report: the scenarios, one row each, for labels beside their figures.
SELECT scenario_id, name, invoking_state, nato_article5_concurrent, likelihood, duration_days
FROM stg_scenarios
ORDER BY scenario_id
