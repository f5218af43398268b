-- Report: every source file read by the run, with its sha256 and reconciliation
-- (rows read = accepted + rejected + superseded), and for inventories the submission
-- date (as_of) its rows carry.
WITH submitted AS (
    SELECT source_file, max(as_of) AS as_of
    FROM (SELECT source_file, as_of FROM stg_inventory
          UNION ALL SELECT source_file, as_of FROM ingest_superseded)
    GROUP BY source_file
)
SELECT f.source_file, f.sha256, f.kind, s.as_of, f.file_rejected, f.rows_read,
       f.rows_accepted, f.rows_rejected, f.rows_superseded
FROM ingest_files AS f
LEFT JOIN submitted AS s USING (source_file)
ORDER BY f.kind, f.source_file
