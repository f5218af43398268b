-- Reference: the capability taxonomy (one code = one kind of unit with a stated task).
CREATE OR REPLACE TABLE stg_capabilities AS
SELECT capability_code, name, domain, unit, roles, source_file
FROM raw_capabilities
ORDER BY capability_code;
