-- Report: the efficient frontier (from option_frontier): per budget, the weighted
-- shortfall of the best choice, its cost, its options and the essential shortfall left,
-- beside the weighted shortfall with no option.
SELECT f.budget_meur, f.weighted_shortfall, f.weighted_shortfall_none,
       1 - f.weighted_shortfall / nullif(f.weighted_shortfall_none, 0) AS share_closed,
       f.essential_shortfall, f.cost_meur, f.options, replace(f.option_ids, ';', ', ') AS option_ids,
       coalesce(b.is_choice, false) AS is_choice
FROM option_frontier AS f
LEFT JOIN stg_option_budgets AS b USING (budget_meur)
ORDER BY f.budget_meur
