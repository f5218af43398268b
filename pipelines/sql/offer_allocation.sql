-- Who fills which need after an invocation (methodology §8): per scenario, requirement
-- line and offering member state, what of its offers was accepted. Complementarity with
-- NATO: when Art. 5 runs at the same time and the offering state declares part of that
-- capability committed to NATO (single set of forces), the row is flagged
-- nato_double_hatting, so the coordinator sees units that may be wanted twice.
CREATE OR REPLACE TABLE offer_allocation AS
WITH nato AS (
    SELECT member_state, capability_code,
           exact_sum(quantity * availability * nato_committed) AS nato_committed_held
    FROM stg_inventory
    WHERE in_force(available_from, available_until, $base_year)
    GROUP BY ALL
    HAVING nato_committed_held > 0
)
SELECT p.scenario_id, p.line_id, p.member_state, p.capability_code, r.role, r.criticality,
       r.required, exact_sum(p.allocated) AS allocated,
       min(p.available_in_days) AS fastest_available_in_days,
       string_agg(DISTINCT p.caveats, '; ' ORDER BY p.caveats) AS caveats,
       s.nato_article5_concurrent AND n.nato_committed_held IS NOT NULL AS nato_double_hatting,
       coalesce(n.nato_committed_held, 0) AS nato_committed_held
FROM int_offer_pieces AS p
JOIN stg_requirements AS r USING (scenario_id, line_id)
JOIN stg_scenarios AS s USING (scenario_id)
LEFT JOIN nato AS n ON n.member_state = p.member_state AND n.capability_code = p.capability_code
GROUP BY ALL
ORDER BY p.scenario_id, p.line_id, p.member_state;
