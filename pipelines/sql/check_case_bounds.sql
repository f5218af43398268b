-- Concurrency cases: 0 ≤ covered ≤ required; and, tier by tier of criticality
-- (essential; essential + important; all), the joint shortfall is never below the sum
-- of the single-scenario shortfalls: competing for one inventory cannot help.
WITH cumulative AS (
    SELECT *,
           sum(shortfall) OVER tiers AS shortfall_to_tier,
           sum(shortfall_single_scenarios) OVER tiers AS single_to_tier,
           sum(required) OVER tiers AS required_to_tier
    FROM gap_cases
    WINDOW tiers AS (PARTITION BY case_id, year, capability_code
                     ORDER BY criticality_rank(criticality))
)
SELECT case_id, year, capability_code, criticality, required, covered, shortfall,
       shortfall_to_tier, single_to_tier
FROM cumulative
WHERE covered < 0 OR covered > required * (1 + 1e-9)
   OR shortfall_to_tier + 1e-9 * required_to_tier < single_to_tier
ORDER BY ALL
