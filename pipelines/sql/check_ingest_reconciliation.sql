-- For every source file: rows read = rows accepted + rows rejected + rows superseded.
SELECT source_file, kind, rows_read, rows_accepted, rows_rejected, rows_superseded
FROM ingest_files
WHERE rows_read <> rows_accepted + rows_rejected + rows_superseded
ORDER BY source_file
