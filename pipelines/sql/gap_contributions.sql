-- Who filled which line: each line's draw from a readiness band is split over the
-- member states holding that band in proportion to their supply in it (pro rata,
-- methodology §3.3), then summed per member state. Σ allocated of a line's rows =
-- the line's allocated in gap_lines.
-- The pieces are summed before the requirement and scenario attributes are joined:
-- joined first, DuckDB may pair every state's supply with every line of a scenario
-- (~1e8 rows at benchmark scale, see BENCHMARKS.md).
CREATE OR REPLACE TABLE gap_contributions AS
WITH pieces AS (
    SELECT d.scenario_id, d.year, d.line_id, s.member_state, d.capability_code,
           exact_sum(d.drawn * s.supply / b.supply) AS allocated,
           min(d.readiness_days) AS fastest_readiness_days,
           max(d.readiness_days) AS slowest_readiness_days
    FROM int_line_draws AS d
    JOIN int_supply_bands AS b USING (scenario_id, year, capability_code, readiness_days)
    JOIN int_supply_by_state AS s USING (scenario_id, year, capability_code, readiness_days)
    GROUP BY ALL
)
SELECT p.scenario_id, p.year, p.line_id, p.member_state, p.capability_code,
       r.role, r.criticality, p.member_state = sc.invoking_state AS is_invoking_state,
       p.allocated, p.fastest_readiness_days, p.slowest_readiness_days
FROM pieces AS p
JOIN stg_requirements AS r USING (scenario_id, line_id)
JOIN stg_scenarios AS sc USING (scenario_id)
ORDER BY p.scenario_id, p.year, p.line_id, p.member_state;
