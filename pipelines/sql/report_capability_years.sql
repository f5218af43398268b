-- Report: the gap per scenario, capability and year over the whole horizon (from
-- gap_capabilities), with the capability's name and priority rank, and the pair's
-- peak shortfall over the horizon (to pick the "top" trajectories to draw), and the
-- share of Monte Carlo draws with no shortfall (mc_capabilities; null when withheld).
SELECT c.scenario_id, c.year, c.capability_code, k.name AS capability_name,
       p.rank AS priority_rank,
       role_label(c.roles) AS roles,
       c.required, c.allocated, c.shortfall, c.coverage, c.risk_level, c.risk_value,
       c.held, c.not_deployable, c.unavailable, c.nato_committed, c.too_slow, c.usable,
       c.shortfall_acquisition, c.shortfall_management,
       max(c.shortfall) OVER (PARTITION BY c.scenario_id, c.capability_code) AS peak_shortfall,
       m.p_no_shortfall
FROM gap_capabilities AS c
LEFT JOIN mc_capabilities AS m USING (scenario_id, year, capability_code)
LEFT JOIN stg_capabilities AS k USING (capability_code)
LEFT JOIN gap_priorities AS p USING (capability_code)
ORDER BY c.scenario_id, c.capability_code, c.year
