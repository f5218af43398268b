-- Burden sharing per scenario, year and member state (methodology §7): what each
-- state other than the invoking one contributes, as a share of what all of them
-- contribute, against its share of their GDP. fair_share_index = 1: pulls its
-- weight. The invoking state's own row shows what it does for itself, nulls elsewhere.
-- `allocated` adds units of different kinds as §7 says (a cyber team counts like an
-- infantry company). Beside it, `line_equivalents` adds each piece as the share of its
-- line's required it fills, Σ allocated(l, s) / required(l): every requirement line
-- weighs 1, whatever its unit (2 of 4 teams = 0.5, 6 of 12 companies = 0.5); and
-- `line_equivalent_share` is that over the sum of all states but the invoking one (null
-- when that sum is 0; null for the invoking state, like contribution_share).
CREATE OR REPLACE TABLE gap_burden_sharing AS
WITH pairs AS (
    SELECT s.scenario_id, y.year, m.code AS member_state, m.gdp_meur,
           m.code = s.invoking_state AS is_invoking_state
    FROM stg_scenarios AS s
    CROSS JOIN int_years AS y
    CROSS JOIN stg_member_states AS m
),
given AS (
    SELECT c.scenario_id, c.year, c.member_state, exact_sum(c.allocated) AS allocated,
           exact_sum(c.allocated / r.required) AS line_equivalents
    FROM gap_contributions AS c
    JOIN stg_requirements AS r USING (scenario_id, line_id)
    GROUP BY ALL
),
joined AS (
    SELECT p.*, coalesce(g.allocated, 0) AS allocated,
           coalesce(g.line_equivalents, 0) AS line_equivalents
    FROM pairs AS p
    LEFT JOIN given AS g USING (scenario_id, year, member_state)
),
totals AS (
    SELECT scenario_id, year,
           exact_sum(CASE WHEN NOT is_invoking_state THEN allocated ELSE 0 END) AS allocated_by_others,
           sum(gdp_meur) FILTER (WHERE NOT is_invoking_state) AS gdp_of_others,
           exact_sum(CASE WHEN NOT is_invoking_state THEN line_equivalents ELSE 0 END)
               AS line_equivalents_by_others
    FROM joined
    GROUP BY ALL
)
SELECT j.scenario_id, j.year, j.member_state, j.is_invoking_state, j.allocated,
       CASE WHEN NOT j.is_invoking_state AND t.allocated_by_others > 0
            THEN j.allocated / t.allocated_by_others END AS contribution_share,
       CASE WHEN NOT j.is_invoking_state THEN j.gdp_meur / t.gdp_of_others END AS gdp_share,
       CASE WHEN NOT j.is_invoking_state AND t.allocated_by_others > 0
            THEN (j.allocated / t.allocated_by_others) / (j.gdp_meur / t.gdp_of_others)
       END AS fair_share_index,
       j.line_equivalents,
       CASE WHEN NOT j.is_invoking_state AND t.line_equivalents_by_others > 0
            THEN j.line_equivalents / t.line_equivalents_by_others END AS line_equivalent_share
FROM joined AS j
JOIN totals AS t USING (scenario_id, year)
ORDER BY j.scenario_id, j.year, j.member_state;
