-- Accepted inventory rows of an older submission: kept, not used, with the file(s) of
-- the newer submission that superseded them.
CREATE OR REPLACE TABLE ingest_superseded AS
WITH latest AS (
    SELECT member_state, max(as_of) AS latest_as_of
    FROM raw_inventory
    GROUP BY member_state
),
latest_files AS (
    SELECT i.member_state, string_agg(DISTINCT i.source_file, '; ' ORDER BY i.source_file) AS superseded_by
    FROM raw_inventory AS i
    JOIN latest AS l ON l.member_state = i.member_state AND i.as_of = l.latest_as_of
    GROUP BY i.member_state
)
SELECT i.source_file, i.sheet, i.row_number, i.member_state, i.capability_code,
       i.quantity, i.readiness_days, i.availability, i.deployable_abroad, i.nato_committed,
       i.available_from, i.available_until, i.as_of, i.notes,
       f.superseded_by, l.latest_as_of AS superseded_by_as_of
FROM raw_inventory AS i
JOIN latest AS l ON l.member_state = i.member_state
JOIN latest_files AS f ON f.member_state = i.member_state
WHERE i.as_of < l.latest_as_of
ORDER BY i.source_file, i.row_number;
