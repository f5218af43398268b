-- One change of a lever file (step $step of $variant_id) applied to the rows as they are
-- at its point in the list, rows an earlier add_options added included (methodology §12):
--   lift_caveats    deployable_abroad := true
--   release_nato    nato_committed := 0
--   readiness       readiness_days := min(readiness_days, days)
--   availability    availability := max(availability, at_least)
--   extend_service  available_until := available_until + years (open stays open)
--   withdraw        the row is removed
--   add_options     the named options' rows are added (those that match the filters)
UPDATE whatif_rows AS r SET
    deployable_abroad = CASE WHEN c.change = 'lift_caveats' THEN true
                             ELSE r.deployable_abroad END,
    nato_committed = CASE WHEN c.change = 'release_nato' THEN 0 ELSE r.nato_committed END,
    readiness_days = CASE WHEN c.change = 'readiness' THEN least(r.readiness_days, c.days)
                          ELSE r.readiness_days END,
    availability = CASE WHEN c.change = 'availability'
                        THEN greatest(r.availability, c.at_least) ELSE r.availability END,
    available_until = CASE WHEN c.change = 'extend_service' THEN r.available_until + c.years
                           ELSE r.available_until END,
    withdrawn = c.change = 'withdraw'
FROM stg_lever_changes AS c
WHERE c.variant_id = $variant_id AND c.step = $step AND c.change <> 'add_options'
  AND NOT r.withdrawn
  AND lever_matches(c.member_states, c.capabilities, r.member_state, r.capability_code);
INSERT INTO whatif_rows
SELECT NULL, true, false, o.member_state, o.capability_code, o.quantity, o.readiness_days,
       o.availability, o.deployable_abroad, o.nato_committed, o.available_from,
       o.available_until
FROM stg_lever_changes AS c
JOIN stg_options AS o ON list_contains(c.options, o.option_id)
WHERE c.variant_id = $variant_id AND c.step = $step AND c.change = 'add_options'
  AND lever_matches(c.member_states, c.capabilities, o.member_state, o.capability_code)
ORDER BY o.option_id;
