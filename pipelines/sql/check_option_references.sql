-- Options name only what exists: every accepted option's capability and member state
-- are in the reference data, every link joins two accepted options, and exactly one
-- budget is the one the choice is made for when there are budgets.
SELECT 'capability_code' AS problem, option_id AS key
FROM stg_options WHERE capability_code NOT IN (SELECT capability_code FROM stg_capabilities)
UNION ALL
SELECT 'member_state', option_id
FROM stg_options WHERE member_state NOT IN (SELECT code FROM stg_member_states)
UNION ALL
SELECT 'link ' || kind, option_id || ' -> ' || other_id
FROM stg_option_links
WHERE option_id NOT IN (SELECT option_id FROM stg_options)
   OR other_id NOT IN (SELECT option_id FROM stg_options)
UNION ALL
SELECT 'choice budget', CAST(count(*) FILTER (WHERE is_choice) AS VARCHAR)
FROM stg_option_budgets
HAVING count(*) > 0 AND count(*) FILTER (WHERE is_choice) <> 1
ORDER BY ALL
