-- No duplicate keys in the staged tables (keys of the data contract).
SELECT 'stg_inventory' AS tbl, source_file || ' row ' || row_number AS key, count(*) AS n
FROM stg_inventory GROUP BY ALL HAVING count(*) > 1
UNION ALL
SELECT 'ingest_superseded', source_file || ' row ' || row_number, count(*)
FROM ingest_superseded GROUP BY ALL HAVING count(*) > 1
UNION ALL
SELECT 'stg_requirements', scenario_id || ' / ' || line_id, count(*)
FROM stg_requirements GROUP BY ALL HAVING count(*) > 1
UNION ALL
SELECT 'stg_scenarios', scenario_id, count(*) FROM stg_scenarios GROUP BY ALL HAVING count(*) > 1
UNION ALL
SELECT 'stg_member_states', code, count(*) FROM stg_member_states GROUP BY ALL HAVING count(*) > 1
UNION ALL
SELECT 'stg_capabilities', capability_code, count(*)
FROM stg_capabilities GROUP BY ALL HAVING count(*) > 1
UNION ALL
SELECT 'stg_participation', member_state || ' / ' || role, count(*)
FROM stg_participation GROUP BY ALL HAVING count(*) > 1
UNION ALL
SELECT 'stg_concurrency_cases', case_id || ' / ' || scenario_id, count(*)
FROM stg_concurrency_cases GROUP BY ALL HAVING count(*) > 1
UNION ALL
SELECT 'stg_options', option_id, count(*) FROM stg_options GROUP BY ALL HAVING count(*) > 1
UNION ALL
SELECT 'stg_option_links', option_id || ' ' || kind || ' ' || other_id, count(*)
FROM stg_option_links GROUP BY ALL HAVING count(*) > 1
UNION ALL
SELECT 'stg_option_budgets', CAST(budget_meur AS VARCHAR), count(*)
FROM stg_option_budgets GROUP BY ALL HAVING count(*) > 1
UNION ALL
SELECT 'stg_levers', variant_id, count(*) FROM stg_levers GROUP BY ALL HAVING count(*) > 1
UNION ALL
SELECT 'stg_lever_changes', variant_id || ' step ' || step, count(*)
FROM stg_lever_changes GROUP BY ALL HAVING count(*) > 1
ORDER BY ALL
