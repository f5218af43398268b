-- The gap per scenario, year and capability: sums over its lines (methodology §3),
-- its risk (the highest of its lines, §5), and why the shortfall exists (§4):
-- held = every unit in service that year, whatever its state, caveat or readiness;
-- the waterfall takes each step from what is left of held:
--   not_deployable  other states' units that may act only at home
--   unavailable     quantity × (1 − availability) of the rest
--   nato_committed  the NATO share, when Art. 5 runs concurrently
--   too_slow        effective supply slower than every line's max_readiness_days
--   usable          what remains.
-- shortfall_acquisition = min(shortfall, max(0, required − held)): cannot be closed
-- without new capability; shortfall_management = the rest.
CREATE OR REPLACE TABLE gap_capabilities AS
WITH lines AS (
    SELECT scenario_id, year, capability_code,
           string_agg(DISTINCT role, ';' ORDER BY role) AS roles,
           count(*) AS lines,
           count(*) FILTER (WHERE shortfall = 0) AS lines_met,
           exact_sum(required) AS required,
           exact_sum(allocated) AS allocated,
           max(risk_value) AS risk_value,
           max(max_readiness_days) AS slowest_acceptable_days
    FROM gap_lines
    GROUP BY ALL
),
groups AS (
    SELECT l.scenario_id, l.year, l.capability_code, l.slowest_acceptable_days,
           s.nato_article5_concurrent AS art5,
           g.held, g.available, g.available_free, g.readiness_days,
           may_act_for(g.member_state, g.deployable_abroad, s.invoking_state) AS eligible
    FROM lines AS l
    JOIN stg_scenarios AS s USING (scenario_id)
    JOIN int_inventory_groups AS g
      ON g.capability_code = l.capability_code
     AND in_force(g.available_from, g.available_until, l.year)
),
waterfall AS (
    SELECT scenario_id, year, capability_code,
           exact_sum(held) AS held,
           exact_sum(CASE WHEN NOT eligible THEN held ELSE 0 END) AS not_deployable,
           exact_sum(CASE WHEN eligible THEN held - available ELSE 0 END) AS unavailable,
           exact_sum(CASE WHEN eligible AND art5 THEN available - available_free ELSE 0 END)
               AS nato_committed,
           exact_sum(CASE WHEN eligible AND readiness_days > slowest_acceptable_days
                          THEN CASE WHEN art5 THEN available_free ELSE available END ELSE 0 END)
               AS too_slow,
           exact_sum(CASE WHEN eligible AND readiness_days <= slowest_acceptable_days
                          THEN CASE WHEN art5 THEN available_free ELSE available END ELSE 0 END)
               AS usable
    FROM groups
    GROUP BY ALL
)
SELECT l.scenario_id, l.year, l.capability_code, l.roles, l.lines, l.lines_met,
       l.required, l.allocated, l.required - l.allocated AS shortfall,
       l.allocated / l.required AS coverage,
       risk_name(l.risk_value) AS risk_level, l.risk_value,
       coalesce(w.held, 0) AS held,
       least(l.required - l.allocated, greatest(0, l.required - coalesce(w.held, 0)))
           AS shortfall_acquisition,
       (l.required - l.allocated)
           - least(l.required - l.allocated, greatest(0, l.required - coalesce(w.held, 0)))
           AS shortfall_management,
       coalesce(w.not_deployable, 0) AS not_deployable,
       coalesce(w.unavailable, 0) AS unavailable,
       coalesce(w.nato_committed, 0) AS nato_committed,
       coalesce(w.too_slow, 0) AS too_slow,
       coalesce(w.usable, 0) AS usable
FROM lines AS l
LEFT JOIN waterfall AS w USING (scenario_id, year, capability_code)
ORDER BY l.scenario_id, l.year, l.capability_code;
