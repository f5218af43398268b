-- Report: whether the Monte Carlo ran (methodology §10): its draws and seed, and the
-- lines met in at least 90 % of the draws in the base year; or why its figures are
-- withheld (the participation file's rejected rows, from ingest_rejects).
SELECT (SELECT max(draws) FROM mc_lines) AS draws,
       (SELECT max(seed) FROM mc_lines) AS seed,
       (SELECT count(*) FILTER (WHERE p_met >= 0.9) FROM mc_lines WHERE year = $base_year)
           AS lines_confident,
       (SELECT string_agg(source_file || coalesce(' row ' || row_number, '') || ': ' || reason,
                          '; ' ORDER BY row_number NULLS FIRST, "column")
        FROM ingest_rejects WHERE source_file = 'reference/participation.csv')
           AS withheld_because
