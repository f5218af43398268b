-- Accepted options (options/*.yaml, methodology §11): candidate ways to close gaps, one
-- row each. An option is one more inventory row if chosen: its capability, holding
-- member state, quantity, readiness, availability (default 1), deployable_abroad
-- (default true), nato_committed (default 0) and years in service (empty = open), with
-- its cost in million euro. source_file and row_number (the YAML line where the option
-- starts) lead back to the file. Rejected options are in ingest_rejects (input_kind
-- 'options'), and so is every option that requires a rejected one. Empty when there is
-- no options folder.
CREATE OR REPLACE TABLE stg_options AS
SELECT CAST(option_id AS VARCHAR) AS option_id,
       CAST(title AS VARCHAR) AS title,
       CAST(capability_code AS VARCHAR) AS capability_code,
       CAST(member_state AS VARCHAR) AS member_state,
       CAST(quantity AS DOUBLE) AS quantity,
       CAST(readiness_days AS INTEGER) AS readiness_days,
       CAST(availability AS DOUBLE) AS availability,
       CAST(deployable_abroad AS BOOLEAN) AS deployable_abroad,
       CAST(nato_committed AS DOUBLE) AS nato_committed,
       CAST(available_from AS INTEGER) AS available_from,
       CAST(available_until AS INTEGER) AS available_until,
       CAST(cost_meur AS DOUBLE) AS cost_meur,
       CAST(source_file AS VARCHAR) AS source_file,
       CAST(row_number AS INTEGER) AS row_number
FROM raw_options
ORDER BY option_id;
