-- The inventory rows a lever file may change (methodology §12): every accepted row that
-- matches the filters of at least one of its changes (filters name states and
-- capabilities, which no change alters), with its values as staged and its rowid, so
-- whatif_variant.sql can put it in place of the row it was. The changes are then applied
-- in order by whatif_change.sql. A NULL variant_id matches no change: no row.
CREATE OR REPLACE TEMP TABLE whatif_rows AS
SELECT i.rowid AS row_key, false AS added, false AS withdrawn,
       i.member_state, i.capability_code, i.quantity, i.readiness_days, i.availability,
       i.deployable_abroad, i.nato_committed, i.available_from, i.available_until
FROM stg_inventory AS i
WHERE EXISTS (
    SELECT 1 FROM stg_lever_changes AS c
    WHERE c.variant_id = $variant_id AND c.change <> 'add_options'
      AND lever_matches(c.member_states, c.capabilities, i.member_state, i.capability_code)
);
