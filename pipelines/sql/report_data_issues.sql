-- Report: every input row the gap figures do not use, and why: rejected values and
-- files (ingest_rejects, reason as written by validation) and inventory rows of an
-- older submission (ingest_superseded, with the file that superseded them).
SELECT CASE WHEN row_number IS NULL THEN 'file rejected' ELSE 'row rejected' END AS issue,
       source_file, sheet, row_number, "column", value, reason
FROM ingest_rejects
UNION ALL
SELECT 'row superseded', source_file, sheet, row_number, NULL,
       member_state || ' ' || capability_code || ', quantity ' || CAST(quantity AS VARCHAR)
           || coalesce('; notes: ' || notes, ''),
       'superseded by the newer submission of ' || strftime(superseded_by_as_of, '%Y-%m-%d')
           || ' in ' || superseded_by || '; this row is of '
           || strftime(as_of, '%Y-%m-%d')
FROM ingest_superseded
ORDER BY source_file, row_number NULLS FIRST, issue, "column"
