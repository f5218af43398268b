-- Report: for every need the offers leave unmet, the first five member states to ask
-- (from offer_whom_to_ask: fastest eligible readiness first).
SELECT w.scenario_id, w.line_id, w.capability_code, c.name AS capability_name, w.unmet, w.ask_rank, w.member_state,
       m.name AS member_state_name, w.fastest_readiness_days, w.eligible_quantity,
       w.has_offered
FROM offer_whom_to_ask AS w
LEFT JOIN stg_member_states AS m ON m.code = w.member_state
LEFT JOIN stg_capabilities AS c USING (capability_code)
WHERE w.ask_rank <= 5
ORDER BY w.scenario_id, w.unmet DESC, w.line_id, w.ask_rank
