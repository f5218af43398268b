-- One row per source file: its sha256 and the reconciliation
-- rows read = rows accepted + rows rejected + rows superseded (contract, "Bad input").
-- In an options file each option counts as a row; a file rejected whole rejects all of
-- them. A scenario, concurrency case or lever file is one row, accepted or rejected
-- whole.
CREATE OR REPLACE TABLE ingest_files AS
WITH ledger AS (
    SELECT * FROM raw_files_reference
    UNION ALL SELECT * FROM raw_files_inventory
    UNION ALL SELECT * FROM raw_files_scenarios
    UNION ALL SELECT * FROM raw_files_offers
    UNION ALL SELECT * FROM raw_files_options
    UNION ALL SELECT * FROM raw_files_levers
),
accepted AS (
    SELECT source_file, count(*) AS n FROM (
        SELECT source_file FROM stg_member_states
        UNION ALL SELECT source_file FROM stg_capabilities
        UNION ALL SELECT source_file FROM raw_participation  -- rows as written, before '*' expands
        UNION ALL SELECT source_file FROM stg_inventory
        UNION ALL SELECT DISTINCT source_file FROM stg_scenarios
        UNION ALL SELECT DISTINCT source_file FROM raw_concurrency_cases
        UNION ALL SELECT source_file FROM raw_offers
        UNION ALL SELECT source_file FROM stg_options
        UNION ALL SELECT source_file FROM stg_levers
    ) GROUP BY source_file
),
rejected AS (
    -- A document (scenario, case, lever file) rejected whole counts as one rejected row.
    SELECT source_file,
           count(DISTINCT row_number) + max(CASE WHEN row_number IS NULL THEN 1 ELSE 0 END) AS n
    FROM ingest_rejects
    GROUP BY source_file
),
options_rejected AS (
    SELECT source_file, count(*) AS n FROM raw_options_rejected GROUP BY source_file
),
superseded AS (
    SELECT source_file, count(*) AS n FROM ingest_superseded GROUP BY source_file
)
SELECT l.source_file, l.kind, l.sha256, l.sheet, l.file_rejected, l.rows_read,
       coalesce(a.n, 0) AS rows_accepted,
       CASE WHEN l.kind = 'options' THEN coalesce(o.n, 0)
            WHEN l.kind IN ('scenario', 'concurrency_case', 'levers') OR NOT l.file_rejected
            THEN coalesce(r.n, 0) ELSE 0 END AS rows_rejected,
       coalesce(s.n, 0) AS rows_superseded
FROM ledger AS l
LEFT JOIN accepted AS a USING (source_file)
LEFT JOIN rejected AS r USING (source_file)
LEFT JOIN options_rejected AS o USING (source_file)
LEFT JOIN superseded AS s USING (source_file)
ORDER BY l.source_file;
