-- Accepted what-if variants (levers/*.yaml, methodology §12), one row per lever file:
-- variant_id (the file's id; BASELINE is reserved for the inventory as it is), its
-- name in plain words, how many changes it lists (0 is allowed: a variant with no
-- change) and the file. A lever file is accepted or rejected whole; the rejected ones
-- are in ingest_rejects (input_kind 'levers'). Empty when there is no levers folder.
CREATE OR REPLACE TABLE stg_levers AS
SELECT CAST(variant_id AS VARCHAR) AS variant_id,
       CAST(name AS VARCHAR) AS name,
       CAST(changes AS INTEGER) AS changes,
       CAST(source_file AS VARCHAR) AS source_file
FROM raw_levers
ORDER BY variant_id;
