-- The budgets in million euro the options are chosen for (methodology §11): the one
-- the choice is made for (is_choice; the smallest budget_meur of the options files
-- used) and every point of the frontier (the union of their budgets_meur), sorted, each
-- once. Empty when there is no options folder or no options file is used.
CREATE OR REPLACE TABLE stg_option_budgets AS
SELECT CAST(budget_meur AS DOUBLE) AS budget_meur,
       CAST(bool_or(is_choice) AS BOOLEAN) AS is_choice
FROM raw_option_budgets
GROUP BY budget_meur
ORDER BY budget_meur;
