-- Every accepted scenario has at least one requirement line.
SELECT s.scenario_id, s.source_file
FROM stg_scenarios AS s
LEFT JOIN stg_requirements AS r USING (scenario_id)
WHERE r.scenario_id IS NULL
ORDER BY ALL
