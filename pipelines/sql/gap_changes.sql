-- What changed between the two latest refreshes in gap_history, one row per scenario
-- and capability, for a working group: the same year rows as sql/report_changes.sql
-- (a risk level that moved, a shortfall that changed by more than 1e-9 × required, a
-- row that appeared or went), gathered into
--   change      worse / better / newly assessed / no longer assessed, or mixed when
--               its years disagree;
--   years       the changed years as text ("2026–2029, 2031"), first_year, years_changed;
--   risk_before, risk_now, shortfall_before, shortfall_now  in the base year (null when
--               the scenario did not assess the capability that year in that run);
--   largest_shortfall_change, largest_change_year  the signed change of the year with
--               the largest absolute change (the earliest such year);
--   the cause, from input_history: cause_file, cause_row (inventory), cause_line_id
--               (scenario), cause_column, cause_old, cause_new and `cause`, a sentence.
-- One input row explains a change when, of all inputs that bear on this scenario and
-- capability, exactly one differs between the two runs. Inputs that bear on it: every
-- inventory row of the capability (any member state), every requirement line of the
-- scenario whose capability is this one in either run, and the scenario's own header
-- (invoking_state, nato_article5_concurrent). Inventory rows are matched by content,
-- not row number (input_history pairs twins: same member state, capability and
-- gap-relevant values), so a reordered or resubmitted file changes nothing; within one
-- member state and capability, one unpaired row before and one after count as one
-- row changed (its columns old → new, named by the new file and row: a newer
-- submission is named); otherwise each unpaired row counts once: added (new file,
-- row), removed (old file, row; or, when the member state's rows now come from other
-- files, "superseded by" those files, named in cause_file). A requirement line is
-- matched by scenario and line id. Nothing bears on it: "no input row ... changed"
-- (settings, reference data or method changed); several: "N input rows changed for
-- this capability", the cause_* columns null; inputs of the run before not on record:
-- input_rows_changed and the cause_* columns null. No rows with fewer than two runs.
CREATE OR REPLACE TEMP MACRO change_text(x) AS
    CASE WHEN x IS NULL THEN '(blank)' ELSE CAST(x AS VARCHAR) END;
CREATE OR REPLACE TEMP MACRO number_text(x) AS
    CASE WHEN x IS NULL THEN '(blank)'
         WHEN x = round(x) AND abs(x) < 1e15 THEN CAST(CAST(x AS BIGINT) AS VARCHAR)
         ELSE CAST(x AS VARCHAR) END;
CREATE OR REPLACE TEMP MACRO file_name(path) AS regexp_replace(path, '^.*/', '');
CREATE OR REPLACE TABLE gap_changes AS
WITH runs AS (
    SELECT run_id, row_number() OVER (ORDER BY run_at DESC, run_id DESC) AS age
    FROM (SELECT DISTINCT run_id, run_at FROM gap_history)
),
pair AS (
    SELECT (SELECT run_id FROM runs WHERE age = 1) AS now_id,
           (SELECT run_id FROM runs WHERE age = 2) AS before_id
),
on_record AS (
    SELECT count(*) > 0 AS ok
    FROM input_history AS i, pair AS p
    WHERE i.run_id = p.now_id AND i.previous_run_id = p.before_id
),
current_run AS (
    SELECT h.* FROM gap_history AS h JOIN runs AS r USING (run_id) WHERE r.age = 1
),
previous_run AS (
    SELECT h.* FROM gap_history AS h JOIN runs AS r USING (run_id) WHERE r.age = 2
),
year_changes AS (
    SELECT scenario_id, capability_code, year,
           CASE
               WHEN p.risk_value IS NULL THEN 'newly assessed'
               WHEN c.risk_value IS NULL THEN 'no longer assessed'
               WHEN c.risk_value > p.risk_value THEN 'worse'
               WHEN c.risk_value < p.risk_value THEN 'better'
               WHEN c.shortfall > p.shortfall THEN 'worse'
               ELSE 'better'
           END AS change,
           coalesce(c.shortfall, 0) - coalesce(p.shortfall, 0) AS shortfall_change
    FROM current_run AS c
    FULL OUTER JOIN previous_run AS p USING (scenario_id, year, capability_code)
    WHERE EXISTS (SELECT 1 FROM runs WHERE age = 2)
      AND (c.risk_value IS NULL OR p.risk_value IS NULL
           OR c.risk_value <> p.risk_value
           OR abs(c.shortfall - p.shortfall) > 1e-9 * greatest(c.required, p.required))
),
spans AS (
    SELECT scenario_id, capability_code, min(year) AS from_year,
           CASE WHEN min(year) = max(year) THEN CAST(min(year) AS VARCHAR)
                ELSE min(year) || '–' || max(year) END AS span
    FROM (SELECT *, year - row_number() OVER (
                     PARTITION BY scenario_id, capability_code ORDER BY year) AS island
          FROM year_changes)
    GROUP BY scenario_id, capability_code, island
),
largest AS (
    SELECT scenario_id, capability_code, shortfall_change AS largest_shortfall_change,
           year AS largest_change_year
    FROM year_changes
    QUALIFY row_number() OVER (PARTITION BY scenario_id, capability_code
                               ORDER BY abs(shortfall_change) DESC, year) = 1
),
summary AS (
    SELECT y.scenario_id, y.capability_code,
           CASE WHEN count(DISTINCT y.change) = 1 THEN min(y.change) ELSE 'mixed' END AS change,
           (SELECT string_agg(s.span, ', ' ORDER BY s.from_year) FROM spans AS s
            WHERE s.scenario_id = y.scenario_id AND s.capability_code = y.capability_code)
               AS years,
           min(y.year) AS first_year, count(*) AS years_changed
    FROM year_changes AS y
    GROUP BY y.scenario_id, y.capability_code
),
base_year AS (
    SELECT scenario_id, capability_code,
           p.risk_level AS risk_before, c.risk_level AS risk_now,
           p.shortfall AS shortfall_before, c.shortfall AS shortfall_now
    FROM (SELECT * FROM current_run WHERE year = $base_year) AS c
    FULL OUTER JOIN (SELECT * FROM previous_run WHERE year = $base_year) AS p
      USING (scenario_id, capability_code)
),
-- Inventory: the rows without a twin in the other run (input_history), per member
-- state and capability.
inv_after AS (
    SELECT i.* FROM input_history_inventory AS i, pair AS p
    WHERE i.run_id = p.now_id AND i.changed
),
inv_before AS (
    SELECT i.* FROM input_history_inventory AS i, pair AS p
    WHERE i.run_id = p.before_id AND (SELECT ok FROM on_record)
),
inv_groups AS (
    SELECT member_state, capability_code,
           count(*) FILTER (WHERE side = 'after') AS rows_after,
           count(*) FILTER (WHERE side = 'before') AS rows_before
    FROM (SELECT 'after' AS side, member_state, capability_code FROM inv_after
          UNION ALL
          SELECT 'before', member_state, capability_code FROM inv_before)
    GROUP BY ALL
),
files_after AS (
    SELECT i.member_state, string_agg(DISTINCT i.source_file, '; ' ORDER BY i.source_file) AS files,
           string_agg(DISTINCT file_name(i.source_file), '; ' ORDER BY file_name(i.source_file)) AS names
    FROM input_history_inventory AS i, pair AS p
    WHERE i.run_id = p.now_id
      AND i.member_state IN (SELECT member_state FROM inv_groups WHERE rows_before > 0)
    GROUP BY i.member_state
),
inv_single AS (
    SELECT g.member_state, g.capability_code,
           a.source_file AS a_file, a.row_number AS a_row,
           b.source_file AS b_file, b.row_number AS b_row, f.files AS files_now,
           file_name(a.source_file) AS a_name, file_name(b.source_file) AS b_name, f.names AS names_now,
           [{'pos': 1, 'col': 'quantity', 'old': number_text(b.quantity), 'new': number_text(a.quantity)},
            {'pos': 2, 'col': 'readiness_days', 'old': change_text(b.readiness_days), 'new': change_text(a.readiness_days)},
            {'pos': 3, 'col': 'availability', 'old': number_text(b.availability), 'new': number_text(a.availability)},
            {'pos': 4, 'col': 'deployable_abroad', 'old': change_text(b.deployable_abroad), 'new': change_text(a.deployable_abroad)},
            {'pos': 5, 'col': 'nato_committed', 'old': number_text(b.nato_committed), 'new': number_text(a.nato_committed)},
            {'pos': 6, 'col': 'available_from', 'old': change_text(b.available_from), 'new': change_text(a.available_from)},
            {'pos': 7, 'col': 'available_until', 'old': change_text(b.available_until), 'new': change_text(a.available_until)}
           ] AS cells
    FROM inv_groups AS g
    LEFT JOIN inv_after AS a USING (member_state, capability_code)
    LEFT JOIN inv_before AS b USING (member_state, capability_code)
    LEFT JOIN files_after AS f USING (member_state)
    WHERE g.rows_after <= 1 AND g.rows_before <= 1
),
inv_single_diff AS (
    SELECT *, list_filter(cells, lambda c: c.old IS DISTINCT FROM c.new) AS diff
    FROM inv_single
),
inv_causes AS (
    SELECT NULL AS scenario_id, capability_code,
           greatest(rows_after, rows_before) AS rows_changed,
           NULL AS cause_file, NULL AS cause_row, NULL AS cause_line_id,
           NULL AS cause_column, NULL AS cause_old, NULL AS cause_new, NULL AS cause
    FROM inv_groups
    WHERE rows_after > 1 OR rows_before > 1
    UNION ALL BY NAME
    SELECT NULL AS scenario_id, capability_code, 1 AS rows_changed,
           CASE WHEN a_file IS NOT NULL THEN a_file
                WHEN files_now IS NOT NULL AND NOT contains('; ' || files_now || '; ', '; ' || b_file || '; ')
                    THEN files_now
                ELSE b_file END AS cause_file,
           coalesce(a_row, CASE WHEN files_now IS NULL OR contains('; ' || files_now || '; ', '; ' || b_file || '; ')
                                THEN b_row END) AS cause_row,
           NULL AS cause_line_id,
           CASE WHEN a_file IS NOT NULL AND b_file IS NOT NULL
                THEN array_to_string(list_transform(diff, lambda c: c.col), ', ') END AS cause_column,
           CASE WHEN a_file IS NOT NULL AND b_file IS NOT NULL
                THEN array_to_string(list_transform(diff, lambda c: c.old), ', ') END AS cause_old,
           CASE WHEN a_file IS NOT NULL AND b_file IS NOT NULL
                THEN array_to_string(list_transform(diff, lambda c: c.new), ', ') END AS cause_new,
           CASE WHEN a_file IS NOT NULL AND b_file IS NOT NULL
                THEN a_name || ' row ' || a_row || ': '
                     || array_to_string(list_transform(diff, lambda c: c.col || ' ' || c.old || ' → ' || c.new), ', ')
                     || CASE WHEN a_file <> b_file
                             THEN ' (superseding ' || b_name || ' row ' || b_row || ')' ELSE '' END
                WHEN a_file IS NOT NULL THEN a_name || ' row ' || a_row || ' added'
                WHEN files_now IS NOT NULL AND NOT contains('; ' || files_now || '; ', '; ' || b_file || '; ')
                    THEN b_name || ' row ' || b_row || ' superseded by ' || names_now
                ELSE b_name || ' row ' || b_row || ' removed' END AS cause
    FROM inv_single_diff
),
-- Requirement lines, matched by scenario and line id; the column names are the
-- scenario file's keys.
req_after AS (
    SELECT r.* FROM input_history_requirements AS r, pair AS p WHERE r.run_id = p.now_id
),
req_before AS (
    SELECT r.* FROM input_history_requirements AS r, pair AS p
    WHERE r.run_id = p.before_id AND (SELECT ok FROM on_record)
),
req_pairs AS (
    SELECT scenario_id, line_id,
           a.capability_code AS a_capability, b.capability_code AS b_capability,
           coalesce(a.source_file, b.source_file) AS source_file,
           a.present IS NOT NULL AS in_after, b.present IS NOT NULL AS in_before,
           list_filter(
               [{'pos': 1, 'col': 'role', 'old': change_text(b.role), 'new': change_text(a.role)},
                {'pos': 2, 'col': 'capability', 'old': change_text(b.capability_code), 'new': change_text(a.capability_code)},
                {'pos': 3, 'col': 'quantity', 'old': number_text(b.quantity), 'new': number_text(a.quantity)},
                {'pos': 4, 'col': 'max_readiness_days', 'old': change_text(b.max_readiness_days), 'new': change_text(a.max_readiness_days)},
                {'pos': 5, 'col': 'rotation', 'old': number_text(b.rotation), 'new': number_text(a.rotation)},
                {'pos': 6, 'col': 'criticality', 'old': change_text(b.criticality), 'new': change_text(a.criticality)}],
               lambda c: c.old IS DISTINCT FROM c.new) AS diff
    FROM (SELECT *, TRUE AS present FROM req_after) AS a
    FULL OUTER JOIN (SELECT *, TRUE AS present FROM req_before) AS b
      USING (scenario_id, line_id)
    WHERE (SELECT ok FROM on_record)
),
req_causes AS (
    SELECT scenario_id, unnest(list_distinct(list_filter([a_capability, b_capability], lambda c: c IS NOT NULL)))
               AS capability_code,
           1 AS rows_changed, source_file AS cause_file, NULL AS cause_row, line_id AS cause_line_id,
           CASE WHEN in_after AND in_before THEN array_to_string(list_transform(diff, lambda c: c.col), ', ') END
               AS cause_column,
           CASE WHEN in_after AND in_before THEN array_to_string(list_transform(diff, lambda c: c.old), ', ') END
               AS cause_old,
           CASE WHEN in_after AND in_before THEN array_to_string(list_transform(diff, lambda c: c.new), ', ') END
               AS cause_new,
           'scenario ' || scenario_id || ' line ' || line_id
           || CASE WHEN in_after AND in_before
                   THEN ': ' || array_to_string(list_transform(diff, lambda c: c.col || ' ' || c.old || ' → ' || c.new), ', ')
                   WHEN in_after THEN ' added' ELSE ' removed' END AS cause
    FROM req_pairs
    WHERE NOT (in_after AND in_before) OR len(diff) > 0
),
-- The scenario's own header, which bears on every capability of the scenario.
scenario_causes AS (
    SELECT scenario_id, NULL AS capability_code, 1 AS rows_changed, source_file AS cause_file,
           NULL AS cause_row, NULL AS cause_line_id,
           array_to_string(list_transform(diff, lambda c: c.col), ', ') AS cause_column,
           array_to_string(list_transform(diff, lambda c: c.old), ', ') AS cause_old,
           array_to_string(list_transform(diff, lambda c: c.new), ', ') AS cause_new,
           'scenario ' || scenario_id || ': '
           || array_to_string(list_transform(diff, lambda c: c.col || ' ' || c.old || ' → ' || c.new), ', ') AS cause
    FROM (
        SELECT scenario_id, a.source_file,
               list_filter(
                   [{'pos': 1, 'col': 'invoking_state', 'old': change_text(b.invoking_state), 'new': change_text(a.invoking_state)},
                    {'pos': 2, 'col': 'nato_article5_concurrent', 'old': change_text(b.nato_article5_concurrent), 'new': change_text(a.nato_article5_concurrent)}],
                   lambda c: c.old IS DISTINCT FROM c.new) AS diff
        FROM (SELECT DISTINCT scenario_id, source_file, invoking_state, nato_article5_concurrent FROM req_after) AS a
        JOIN (SELECT DISTINCT scenario_id, invoking_state, nato_article5_concurrent FROM req_before) AS b
          USING (scenario_id)
    )
    WHERE len(diff) > 0
),
causes AS (
    SELECT * FROM inv_causes
    UNION ALL BY NAME SELECT * FROM req_causes
    UNION ALL BY NAME SELECT * FROM scenario_causes
),
explained AS (
    SELECT s.scenario_id, s.capability_code,
           coalesce(sum(k.rows_changed), 0) AS input_rows_changed,
           any_value(k.cause_file) AS cause_file,
           any_value(k.cause_row) AS cause_row,
           any_value(k.cause_line_id) AS cause_line_id,
           any_value(k.cause_column) AS cause_column,
           any_value(k.cause_old) AS cause_old,
           any_value(k.cause_new) AS cause_new,
           any_value(k.cause) AS cause
    FROM summary AS s
    LEFT JOIN causes AS k
      ON (k.scenario_id IS NULL OR k.scenario_id = s.scenario_id)
     AND (k.capability_code IS NULL OR k.capability_code = s.capability_code)
    GROUP BY s.scenario_id, s.capability_code
)
SELECT s.scenario_id, s.capability_code, s.change, s.years, s.first_year, s.years_changed,
       b.risk_before, b.risk_now, b.shortfall_before, b.shortfall_now,
       l.largest_shortfall_change, l.largest_change_year,
       CASE WHEN (SELECT ok FROM on_record) THEN e.input_rows_changed END AS input_rows_changed,
       CASE WHEN e.input_rows_changed = 1 THEN e.cause_file END AS cause_file,
       CAST(CASE WHEN e.input_rows_changed = 1 THEN e.cause_row END AS INTEGER) AS cause_row,
       CAST(CASE WHEN e.input_rows_changed = 1 THEN e.cause_line_id END AS VARCHAR) AS cause_line_id,
       CASE WHEN e.input_rows_changed = 1 THEN e.cause_column END AS cause_column,
       CASE WHEN e.input_rows_changed = 1 THEN e.cause_old END AS cause_old,
       CASE WHEN e.input_rows_changed = 1 THEN e.cause_new END AS cause_new,
       CASE WHEN NOT (SELECT ok FROM on_record)
                THEN 'the inputs of the previous refresh are not on record'
            WHEN e.input_rows_changed = 0
                THEN 'no input row of this scenario and capability changed (settings, reference data or method did)'
            WHEN e.input_rows_changed = 1 THEN e.cause
            ELSE e.input_rows_changed || ' input rows changed for this capability' END AS cause,
       p.now_id AS run_id, p.before_id AS previous_run_id
FROM summary AS s
JOIN largest AS l USING (scenario_id, capability_code)
JOIN explained AS e USING (scenario_id, capability_code)
LEFT JOIN base_year AS b USING (scenario_id, capability_code)
CROSS JOIN pair AS p
ORDER BY s.scenario_id, s.capability_code;
