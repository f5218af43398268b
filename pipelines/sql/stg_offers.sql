-- Accepted offers of member states after an invocation of a scenario (methodology §8).
CREATE OR REPLACE TABLE stg_offers AS
SELECT scenario_id, member_state, capability_code, quantity, available_in_days, caveats,
       source_file, sheet, row_number
FROM raw_offers
ORDER BY scenario_id, source_file, row_number;
