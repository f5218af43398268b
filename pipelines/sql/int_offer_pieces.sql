-- Each line's draw from an offer band split over the offers in it, pro rata to what
-- each offers (methodology §3.3 applied to offers): one row per line and offer row.
CREATE OR REPLACE TABLE int_offer_pieces AS
WITH bands AS (
    SELECT scenario_id, capability_code, available_in_days AS readiness_days,
           exact_sum(quantity) AS band
    FROM stg_offers
    GROUP BY ALL
)
SELECT d.scenario_id, d.line_id, o.source_file, o.row_number, o.member_state,
       o.capability_code, o.available_in_days, o.caveats,
       d.drawn * o.quantity / b.band AS allocated
FROM int_offer_draws AS d
JOIN bands AS b USING (scenario_id, capability_code, readiness_days)
JOIN stg_offers AS o
  ON o.scenario_id = d.scenario_id AND o.capability_code = d.capability_code
 AND o.available_in_days = d.readiness_days
ORDER BY ALL;
