-- Reference: how likely each member state is to commit forces of a role when another
-- state invokes Art. 42.7 (reference/participation.csv, methodology §10). One row per
-- state and role: a '*' row stands for both roles, and a role's own row wins over it.
-- A state or role without a row is absent here and counts with probability 1. Built
-- even when the file is missing (then empty). A rejected row of the file fails the
-- blocking check participation_complete, which holds back what reads this table.
CREATE OR REPLACE TABLE stg_participation AS
WITH own AS (
    SELECT member_state, role, probability, source, source_file, row_number
    FROM raw_participation
    WHERE role <> '*'
),
both_roles AS (
    SELECT p.member_state, r.role, p.probability, p.source, p.source_file, p.row_number
    FROM raw_participation AS p
    CROSS JOIN (VALUES ('border_security'), ('domestic_support')) AS r(role)
    WHERE p.role = '*'
)
SELECT CAST(member_state AS VARCHAR) AS member_state,
       CAST(role AS VARCHAR) AS role,
       CAST(probability AS DOUBLE) AS probability,
       CAST(source AS VARCHAR) AS source,
       CAST(source_file AS VARCHAR) AS source_file,
       CAST(row_number AS INTEGER) AS row_number
FROM (
    SELECT * FROM own
    UNION ALL
    SELECT * FROM both_roles AS b
    WHERE NOT EXISTS (
        SELECT 1 FROM own AS o WHERE o.member_state = b.member_state AND o.role = b.role
    )
)
ORDER BY member_state, role;
