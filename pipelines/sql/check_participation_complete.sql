-- Every row of reference/participation.csv was accepted. A rejected row would leave its
-- state and role without an estimate, which the Monte Carlo (methodology §10) would
-- silently count as certain (probability 1); so while this check fails, the Monte Carlo
-- withholds its figures (its tables stay empty and the reports say why) until the file
-- is put right. Lists each rejected row (row_number empty when the whole file was
-- refused) with its reason.
SELECT source_file, row_number, "column", value, reason
FROM raw_rejects_reference
WHERE source_file = 'reference/participation.csv'
ORDER BY row_number NULLS FIRST, "column"
