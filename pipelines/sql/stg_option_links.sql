-- Links between accepted options (options/*.yaml, methodology §11), as written: kind
-- 'excludes' (the two cannot be chosen together; one row in either direction is enough)
-- or 'requires' (other_id must be chosen whenever option_id is). Only between accepted
-- options: an option requiring a rejected one is itself rejected, and an exclusion of a
-- rejected option is moot, so it has no row. One row per (option_id, kind, other_id).
CREATE OR REPLACE TABLE stg_option_links AS
SELECT CAST(option_id AS VARCHAR) AS option_id,
       CAST(kind AS VARCHAR) AS kind,
       CAST(other_id AS VARCHAR) AS other_id
FROM raw_option_links
ORDER BY option_id, kind, other_id;
