-- The changes of every accepted what-if variant (levers/*.yaml, methodology §12), in
-- the order they apply: step 1, 2, ... within the variant. change is the kind
-- (lift_caveats, release_nato, readiness, availability, extend_service, withdraw,
-- add_options). member_states and capabilities are its filters (NULL: no filter, every
-- row; else a row must match each filter it names); days (readiness), at_least
-- (availability), years (extend_service) and options (add_options, option ids of
-- stg_options) its parameters, NULL where the kind has none. row_number is the YAML
-- line where the change starts.
CREATE OR REPLACE TABLE stg_lever_changes AS
SELECT CAST(variant_id AS VARCHAR) AS variant_id,
       CAST(step AS INTEGER) AS step,
       CAST(change AS VARCHAR) AS change,
       CAST(member_states AS VARCHAR[]) AS member_states,
       CAST(capabilities AS VARCHAR[]) AS capabilities,
       CAST(days AS INTEGER) AS days,
       CAST(at_least AS DOUBLE) AS at_least,
       CAST(years AS INTEGER) AS years,
       CAST(options AS VARCHAR[]) AS options,
       CAST(row_number AS INTEGER) AS row_number,
       CAST(source_file AS VARCHAR) AS source_file
FROM raw_lever_changes
ORDER BY variant_id, step;
