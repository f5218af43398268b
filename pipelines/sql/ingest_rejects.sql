-- Every rejected input row or file, with a reason a planner understands. A row with
-- several bad values has one record per bad column; row_number is null for a whole file
-- (for an option, row_number is the YAML line where the option starts; a scenario, case
-- or lever file is rejected whole, its reasons naming the YAML line).
CREATE OR REPLACE TABLE ingest_rejects AS
SELECT 'reference' AS input_kind, * FROM raw_rejects_reference
UNION ALL BY NAME
SELECT 'inventory' AS input_kind, * FROM raw_rejects_inventory
UNION ALL BY NAME
SELECT 'scenario' AS input_kind, * FROM raw_rejects_scenarios
UNION ALL BY NAME
SELECT 'offers' AS input_kind, * FROM raw_rejects_offers
UNION ALL BY NAME
SELECT 'options' AS input_kind, * FROM raw_rejects_options
UNION ALL BY NAME
SELECT 'levers' AS input_kind, * FROM raw_rejects_levers
ORDER BY source_file, row_number NULLS FIRST, "column";
