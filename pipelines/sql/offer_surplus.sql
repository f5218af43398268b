-- Every offer row with what was used of it and what is left (surplus), and why it is
-- left: no line needs the capability, too slow for every line that does, or more than
-- the lines need.
CREATE OR REPLACE TABLE offer_surplus AS
WITH used AS (
    SELECT source_file, row_number, exact_sum(allocated) AS used
    FROM int_offer_pieces
    GROUP BY ALL
),
needs AS (
    SELECT scenario_id, capability_code, max(max_readiness_days) AS slowest_acceptable_days
    FROM stg_requirements
    GROUP BY ALL
)
SELECT o.scenario_id, o.member_state, o.capability_code, o.quantity AS offered,
       coalesce(u.used, 0) AS used,
       greatest(0, o.quantity - coalesce(u.used, 0)) AS unused,
       o.available_in_days, o.caveats,
       CASE
           WHEN o.quantity - coalesce(u.used, 0) <= 1e-9 * o.quantity THEN 'fully used'
           WHEN n.capability_code IS NULL THEN 'no line of the scenario needs this capability'
           WHEN o.available_in_days > n.slowest_acceptable_days
               THEN 'slower than every line needing it accepts'
           ELSE 'more than the lines need'
       END AS status,
       o.source_file, o.row_number
FROM stg_offers AS o
LEFT JOIN used AS u USING (source_file, row_number)
LEFT JOIN needs AS n ON n.scenario_id = o.scenario_id AND n.capability_code = o.capability_code
ORDER BY o.scenario_id, o.member_state, o.capability_code, o.source_file, o.row_number;
