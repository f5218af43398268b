-- Accepted inventory rows in force for planning: for each member state, only the rows
-- of its latest submission (the latest `as_of` among its accepted rows, however many
-- files carry that date). A submission is complete, not a patch.
CREATE OR REPLACE TABLE stg_inventory AS
WITH latest AS (
    SELECT member_state, max(as_of) AS latest_as_of
    FROM raw_inventory
    GROUP BY member_state
)
SELECT i.source_file, i.sheet, i.row_number, i.member_state, i.capability_code,
       i.quantity, i.readiness_days, i.availability, i.deployable_abroad, i.nato_committed,
       i.available_from, i.available_until, i.as_of, i.notes
FROM raw_inventory AS i
JOIN latest AS l ON l.member_state = i.member_state AND i.as_of = l.latest_as_of
ORDER BY i.source_file, i.row_number;
