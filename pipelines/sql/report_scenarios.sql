-- Report: the scenarios, one row each, for labels beside their figures.
SELECT s.scenario_id, s.name, s.invoking_state, m.name AS invoking_state_name,
       s.nato_article5_concurrent, s.likelihood, s.duration_days
FROM stg_scenarios AS s
LEFT JOIN stg_member_states AS m ON m.code = s.invoking_state
ORDER BY s.scenario_id
