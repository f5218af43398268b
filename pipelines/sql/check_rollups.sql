-- gap_capabilities and gap_roles are the sums of gap_lines.
WITH by_capability AS (
    SELECT scenario_id, year, capability_code AS item, exact_sum(required) AS required,
           exact_sum(allocated) AS allocated
    FROM gap_lines GROUP BY ALL
),
by_role AS (
    SELECT scenario_id, year, role AS item, exact_sum(required) AS required,
           exact_sum(allocated) AS allocated
    FROM gap_lines GROUP BY ALL
),
published AS (
    SELECT 'gap_capabilities' AS tbl, scenario_id, year, capability_code AS item, required, allocated
    FROM gap_capabilities
    UNION ALL
    SELECT 'gap_roles', scenario_id, year, role, required, allocated FROM gap_roles
),
expected AS (
    SELECT 'gap_capabilities' AS tbl, * FROM by_capability
    UNION ALL
    SELECT 'gap_roles', * FROM by_role
)
SELECT coalesce(p.tbl, e.tbl) AS tbl, coalesce(p.scenario_id, e.scenario_id) AS scenario_id,
       coalesce(p.year, e.year) AS year, coalesce(p.item, e.item) AS item,
       p.required, e.required AS lines_required, p.allocated, e.allocated AS lines_allocated
FROM published AS p
FULL JOIN expected AS e USING (tbl, scenario_id, year, item)
WHERE p.required IS NULL OR e.required IS NULL
   OR abs(p.required - e.required) > 1e-9 * greatest(e.required, 1)
   OR abs(p.allocated - e.allocated) > 1e-9 * greatest(e.required, 1)
ORDER BY ALL
