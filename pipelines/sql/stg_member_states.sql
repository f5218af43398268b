-- Reference: the EU member states (code, NATO membership, GDP for fair shares).
CREATE OR REPLACE TABLE stg_member_states AS
SELECT code, name, nato_member, gdp_meur, population, external_land_border_km, source_file
FROM raw_member_states
ORDER BY code;
