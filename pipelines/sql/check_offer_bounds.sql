-- Offers: Σ allocated offers per line ≤ its requirement, and per offer ≤ what was offered.
WITH per_line AS (
    SELECT scenario_id, line_id, max(required) AS required, exact_sum(allocated) AS allocated
    FROM offer_allocation
    GROUP BY ALL
)
SELECT 'line' AS kind, scenario_id, line_id AS item, required AS bound, allocated AS used
FROM per_line
WHERE allocated > required * (1 + 1e-9) OR allocated < 0
UNION ALL
SELECT 'offer', scenario_id, source_file || ' row ' || row_number, offered, used
FROM offer_surplus
WHERE used > offered * (1 + 1e-9) OR used < 0
ORDER BY ALL
