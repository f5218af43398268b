-- The accepted inputs behind gap_history's two latest runs, under the same run ids, so
-- gap_changes can name the input row behind a change. Three tables:
--   input_history               one row per run kept: run_id, previous_run_id (the run
--                               its rows were compared with; null when that run's
--                               inputs were not on record), row counts, stored_at;
--   input_history_inventory     stg_inventory rows, with `changed`;
--   input_history_requirements  stg_requirements lines with their scenario's
--                               invoking_state and nato_article5_concurrent.
-- Bounded storage: only the latest run and the one before it are kept. The latest is
-- kept whole (it is tomorrow's "before"); the one before keeps only the inventory rows
-- that have no twin in the latest run, so at 10^6 rows the table holds 10^6 + the rows
-- that changed, never a copy per night, and gap_changes reads only changed rows.
-- A twin is a row of the same member_state, capability_code and gap-relevant content
-- (quantity, readiness_days, availability, deployable_abroad, nato_committed,
-- available_from, available_until), paired one to one (the k-th copy with the k-th
-- copy, in file and row order): a resubmitted or reordered file whose rows say the
-- same changes nothing. `changed` of the latest run's rows is true for a row without a
-- twin, null when the previous run's inputs are not on record. Requirement lines are
-- few and kept whole for both runs. The previous run id is null when the run before is
-- not on record; then nothing of older runs is kept.
CREATE TABLE IF NOT EXISTS input_history_inventory AS
SELECT CAST(NULL AS VARCHAR) AS run_id, source_file, sheet, row_number, member_state,
       capability_code, quantity, readiness_days, availability, deployable_abroad,
       nato_committed, available_from, available_until, as_of,
       CAST(NULL AS BOOLEAN) AS changed
FROM stg_inventory
LIMIT 0;
CREATE TABLE IF NOT EXISTS input_history_requirements AS
SELECT CAST(NULL AS VARCHAR) AS run_id, r.scenario_id, r.line_id, r.role, r.capability_code,
       r.quantity, r.rotation, r.max_readiness_days, r.criticality, r.source_file,
       s.invoking_state, s.nato_article5_concurrent
FROM stg_requirements AS r
JOIN stg_scenarios AS s USING (scenario_id)
LIMIT 0;
CREATE TABLE IF NOT EXISTS input_history (
    run_id VARCHAR, previous_run_id VARCHAR, stored_at TIMESTAMP,
    inventory_rows BIGINT, inventory_rows_changed BIGINT, requirement_lines BIGINT
);
CREATE OR REPLACE TABLE input_history_inventory AS
WITH previous AS (
    SELECT * EXCLUDE (run_id, changed),
           row_number() OVER (
               PARTITION BY member_state, capability_code, quantity, readiness_days, availability,
                            deployable_abroad, nato_committed, available_from, available_until
               ORDER BY source_file, row_number) AS twin
    FROM input_history_inventory
    WHERE run_id = CAST($previous_run_id AS VARCHAR)
),
current AS (
    SELECT source_file, sheet, row_number, member_state, capability_code, quantity,
           readiness_days, availability, deployable_abroad, nato_committed, available_from,
           available_until, as_of,
           row_number() OVER (
               PARTITION BY member_state, capability_code, quantity, readiness_days, availability,
                            deployable_abroad, nato_committed, available_from, available_until
               ORDER BY source_file, row_number) AS twin
    FROM stg_inventory
),
paired AS (
    SELECT c.*, p.twin IS NOT NULL AS has_twin
    FROM current AS c
    LEFT JOIN previous AS p
      ON p.member_state = c.member_state AND p.capability_code = c.capability_code
     AND p.quantity IS NOT DISTINCT FROM c.quantity
     AND p.readiness_days IS NOT DISTINCT FROM c.readiness_days
     AND p.availability IS NOT DISTINCT FROM c.availability
     AND p.deployable_abroad IS NOT DISTINCT FROM c.deployable_abroad
     AND p.nato_committed IS NOT DISTINCT FROM c.nato_committed
     AND p.available_from IS NOT DISTINCT FROM c.available_from
     AND p.available_until IS NOT DISTINCT FROM c.available_until
     AND p.twin = c.twin
)
SELECT CAST($run_id AS VARCHAR) AS run_id, * EXCLUDE (twin, has_twin),
       CASE WHEN CAST($previous_run_id AS VARCHAR) IS NOT NULL THEN NOT has_twin END AS changed
FROM paired
UNION ALL BY NAME
SELECT CAST($previous_run_id AS VARCHAR) AS run_id, p.* EXCLUDE (twin), TRUE AS changed
FROM previous AS p
ANTI JOIN current AS c
  ON p.member_state = c.member_state AND p.capability_code = c.capability_code
 AND p.quantity IS NOT DISTINCT FROM c.quantity
 AND p.readiness_days IS NOT DISTINCT FROM c.readiness_days
 AND p.availability IS NOT DISTINCT FROM c.availability
 AND p.deployable_abroad IS NOT DISTINCT FROM c.deployable_abroad
 AND p.nato_committed IS NOT DISTINCT FROM c.nato_committed
 AND p.available_from IS NOT DISTINCT FROM c.available_from
 AND p.available_until IS NOT DISTINCT FROM c.available_until
 AND p.twin = c.twin
ORDER BY run_id, source_file, row_number;
CREATE OR REPLACE TABLE input_history_requirements AS
SELECT * FROM input_history_requirements WHERE run_id = CAST($previous_run_id AS VARCHAR)
UNION ALL BY NAME
SELECT CAST($run_id AS VARCHAR) AS run_id, r.scenario_id, r.line_id, r.role, r.capability_code,
       r.quantity, r.rotation, r.max_readiness_days, r.criticality, r.source_file,
       s.invoking_state, s.nato_article5_concurrent
FROM stg_requirements AS r
JOIN stg_scenarios AS s USING (scenario_id)
ORDER BY run_id, scenario_id, line_id;
CREATE OR REPLACE TABLE input_history AS
SELECT * FROM input_history WHERE run_id = CAST($previous_run_id AS VARCHAR)
UNION ALL BY NAME
SELECT CAST($run_id AS VARCHAR) AS run_id, CAST($previous_run_id AS VARCHAR) AS previous_run_id,
       CAST($stored_at AS TIMESTAMP) AS stored_at,
       (SELECT count(*) FROM input_history_inventory WHERE run_id = CAST($run_id AS VARCHAR))
           AS inventory_rows,
       (SELECT count(*) FROM input_history_inventory
        WHERE run_id = CAST($run_id AS VARCHAR) AND changed) AS inventory_rows_changed,
       (SELECT count(*) FROM input_history_requirements WHERE run_id = CAST($run_id AS VARCHAR))
           AS requirement_lines
ORDER BY stored_at;
