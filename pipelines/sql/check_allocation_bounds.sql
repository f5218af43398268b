-- 0 ≤ allocated ≤ required, and coverage within [0, 1], for every line.
SELECT scenario_id, year, line_id, required, allocated, coverage
FROM gap_lines
WHERE allocated < 0 OR allocated > required OR coverage < 0 OR coverage > 1
   OR shortfall < 0 OR allocated IS NULL
ORDER BY ALL
