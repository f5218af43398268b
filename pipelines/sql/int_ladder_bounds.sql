-- Independent bounds for the invariants of methodology §3, computed from the supply
-- bands with no reference to the allocation. For each scenario, year, capability and
-- tier of criticality (1 essential; 2 essential+important; 3 all lines):
--   min_shortfall = max(0, max over thresholds D of [Σ required of the tier's lines with
--                   max_readiness_days ≤ D − Σ supply with readiness_days ≤ D])
--   max_allocated = Σ required − min_shortfall, the most any allocation can give them.
CREATE OR REPLACE TABLE int_ladder_bounds AS
WITH lines AS (
    SELECT r.scenario_id, y.year, r.capability_code, r.max_readiness_days AS d, r.required,
           criticality_rank(r.criticality) AS crit_rank
    FROM stg_requirements AS r
    CROSS JOIN int_years AS y
),
tier_lines AS (
    SELECT l.*, t.tier
    FROM lines AS l
    JOIN (VALUES (1), (2), (3)) AS t(tier) ON l.crit_rank <= t.tier
),
thresholds AS (
    SELECT DISTINCT scenario_id, year, capability_code, tier, d FROM tier_lines
),
need AS (
    SELECT t.scenario_id, t.year, t.capability_code, t.tier, t.d, exact_sum(l.required) AS need
    FROM thresholds AS t
    JOIN tier_lines AS l
      ON l.scenario_id = t.scenario_id AND l.year = t.year
     AND l.capability_code = t.capability_code AND l.tier = t.tier AND l.d <= t.d
    GROUP BY ALL
),
have AS (
    SELECT t.scenario_id, t.year, t.capability_code, t.tier, t.d,
           coalesce(exact_sum(b.supply), 0) AS have
    FROM thresholds AS t
    LEFT JOIN int_supply_bands AS b
      ON b.scenario_id = t.scenario_id AND b.year = t.year
     AND b.capability_code = t.capability_code AND b.readiness_days <= t.d
    GROUP BY ALL
),
ladder AS (
    SELECT scenario_id, year, capability_code, tier, greatest(0, max(need - have)) AS min_shortfall
    FROM need JOIN have USING (scenario_id, year, capability_code, tier, d)
    GROUP BY ALL
),
required AS (
    SELECT scenario_id, year, capability_code, tier, exact_sum(required) AS required
    FROM tier_lines
    GROUP BY ALL
)
SELECT scenario_id, year, capability_code, tier, required, min_shortfall,
       required - min_shortfall AS max_allocated
FROM required JOIN ladder USING (scenario_id, year, capability_code, tier)
ORDER BY ALL;
