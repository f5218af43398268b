-- The inputs of the gap engine for one variant, in the schema `whatif` (the engine's own
-- SQL then runs there unchanged, reading what it does not find here from main):
--   whatif_touched   the capabilities the variant changes: those of a row added,
--                    withdrawn or changed in a value §2 uses ($all_capabilities: every
--                    capability of a requirement, for the check that the variant path
--                    reproduces the baseline);
--   stg_inventory    for those capabilities, the staged rows with the changed ones in
--                    place of what they were;
--   stg_requirements the requirement lines of those capabilities only: nothing else can
--                    move, so nothing else is computed again;
--   gap_buildup      empty: the build-up (§13) is not part of a variant's figures.
CREATE OR REPLACE TEMP TABLE whatif_touched AS
SELECT DISTINCT r.capability_code
FROM whatif_rows AS r
LEFT JOIN main.stg_inventory AS i ON i.rowid = r.row_key
WHERE r.added OR r.withdrawn
   OR r.readiness_days <> i.readiness_days
   OR r.availability <> i.availability
   OR r.deployable_abroad <> i.deployable_abroad
   OR r.nato_committed <> i.nato_committed
   OR r.available_until IS DISTINCT FROM i.available_until
UNION
SELECT DISTINCT capability_code FROM main.stg_requirements WHERE $all_capabilities;
CREATE OR REPLACE TABLE whatif.stg_inventory AS
SELECT member_state, capability_code, quantity, readiness_days, availability,
       deployable_abroad, nato_committed, available_from, available_until
FROM main.stg_inventory
WHERE capability_code IN (SELECT capability_code FROM whatif_touched)
  AND rowid NOT IN (SELECT row_key FROM whatif_rows WHERE row_key IS NOT NULL)
UNION ALL
SELECT member_state, capability_code, quantity, readiness_days, availability,
       deployable_abroad, nato_committed, available_from, available_until
FROM whatif_rows
WHERE NOT withdrawn AND capability_code IN (SELECT capability_code FROM whatif_touched);
CREATE OR REPLACE TABLE whatif.stg_requirements AS
SELECT * FROM main.stg_requirements
WHERE capability_code IN (SELECT capability_code FROM whatif_touched);
CREATE OR REPLACE TABLE whatif.gap_buildup AS
SELECT * FROM main.gap_buildup LIMIT 0;
