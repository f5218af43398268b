-- Report: the options chosen at the options file's budget (methodology §11; from
-- option_choice and stg_options): what each one is, who would hold it, from when, and
-- what it costs. Empty when there is no options file.
SELECT o.option_id, o.title, o.capability_code, k.name AS capability_name, o.member_state,
       o.quantity, o.readiness_days, o.available_from, o.available_until, o.cost_meur,
       b.budget_meur
FROM option_choice AS c
JOIN stg_option_budgets AS b ON b.budget_meur = c.budget_meur AND b.is_choice
JOIN stg_options AS o USING (option_id)
LEFT JOIN stg_capabilities AS k ON k.capability_code = o.capability_code
WHERE c.selected
ORDER BY o.capability_code, o.option_id
