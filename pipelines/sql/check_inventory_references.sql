-- Every member state and capability code of the staged inventory exists in the reference data.
SELECT source_file, row_number, 'member_state' AS "column", member_state AS value
FROM stg_inventory WHERE member_state NOT IN (SELECT code FROM stg_member_states)
UNION ALL
SELECT source_file, row_number, 'capability_code', capability_code
FROM stg_inventory WHERE capability_code NOT IN (SELECT capability_code FROM stg_capabilities)
ORDER BY ALL
