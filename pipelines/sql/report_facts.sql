-- Report: one row of facts for the cover and the summary headline. data_as_of is the
-- latest submission date among the inventories in use; the counts are those of the
-- base year, as planners know them from Headline Goal reviews: requirement lines met
-- or short, and of the capability shortfalls how many better management of existing
-- forces could close (no acquisition part) and how many need new capability.
WITH lines AS (
    SELECT count(*) AS lines,
           count(*) FILTER (WHERE shortfall = 0) AS lines_met,
           count(*) FILTER (WHERE shortfall > 0) AS lines_short,
           count(*) FILTER (WHERE risk_level = 'high') AS high_risk_lines,
           count(*) FILTER (WHERE risk_level = 'significant') AS significant_risk_lines
    FROM gap_lines
    WHERE year = $base_year
),
capabilities AS (
    SELECT count(*) FILTER (WHERE shortfall > 0) AS capability_shortfalls,
           count(*) FILTER (WHERE shortfall > 0 AND shortfall_acquisition = 0)
               AS closable_by_management,
           count(*) FILTER (WHERE shortfall_acquisition > 0) AS needing_acquisition
    FROM gap_capabilities
    WHERE year = $base_year
)
SELECT (SELECT max(as_of) FROM stg_inventory) AS data_as_of,
       (SELECT count(*) FROM stg_scenarios) AS scenarios,
       (SELECT count(DISTINCT member_state) FROM stg_inventory) AS submitting_states,
       (SELECT count(*) FROM ingest_files) AS source_files,
       (SELECT count(*) FROM ingest_rejects) AS rejected_values,
       (SELECT count(*) FROM ingest_superseded) AS superseded_rows,
       lines.*, capabilities.*
FROM lines, capabilities
