-- The choice at every budget respects the budget, the exclusions and the requirements
-- (methodology §11), and the frontier's weighted shortfall never rises as the budget
-- grows. One row per breach.
WITH chosen AS (
    SELECT budget_meur, option_id FROM option_choice WHERE selected
),
over_budget AS (
    SELECT budget_meur, 'over budget: ' || sum(cost_meur) || ' M€' AS breach
    FROM option_choice WHERE selected
    GROUP BY budget_meur
    HAVING sum(cost_meur) > budget_meur * (1 + 1e-9) + 1e-9
),
excluded AS (
    SELECT a.budget_meur, a.option_id || ' excludes ' || b.option_id AS breach
    FROM chosen AS a
    JOIN stg_option_links AS l ON l.kind = 'excludes' AND l.option_id = a.option_id
    JOIN chosen AS b ON b.budget_meur = a.budget_meur AND b.option_id = l.other_id
),
unmet AS (
    SELECT a.budget_meur, a.option_id || ' requires ' || l.other_id AS breach
    FROM chosen AS a
    JOIN stg_option_links AS l ON l.kind = 'requires' AND l.option_id = a.option_id
    WHERE NOT EXISTS (SELECT 1 FROM chosen AS b
                      WHERE b.budget_meur = a.budget_meur AND b.option_id = l.other_id)
),
rising AS (
    SELECT budget_meur, 'weighted shortfall rises from ' || previous || ' to '
           || weighted_shortfall AS breach
    FROM (SELECT budget_meur, weighted_shortfall,
                 lag(weighted_shortfall) OVER (ORDER BY budget_meur) AS previous
          FROM option_frontier)
    WHERE weighted_shortfall > previous * (1 + 1e-9) + 1e-9
)
SELECT * FROM over_budget
UNION ALL SELECT * FROM excluded
UNION ALL SELECT * FROM unmet
UNION ALL SELECT * FROM rising
ORDER BY budget_meur, breach
