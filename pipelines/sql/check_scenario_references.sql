-- Every invoking state, capability and scenario that staged scenarios and cases refer to exists.
SELECT 'stg_scenarios' AS tbl, source_file, 'invoking_state' AS "column", invoking_state AS value
FROM stg_scenarios WHERE invoking_state NOT IN (SELECT code FROM stg_member_states)
UNION ALL
SELECT 'stg_requirements', source_file, 'capability', capability_code
FROM stg_requirements WHERE capability_code NOT IN (SELECT capability_code FROM stg_capabilities)
UNION ALL
SELECT 'stg_concurrency_cases', source_file, 'scenarios', scenario_id
FROM stg_concurrency_cases WHERE scenario_id NOT IN (SELECT scenario_id FROM stg_scenarios)
ORDER BY ALL
