-- Report: the changes of every what-if variant (from stg_lever_changes), in the order
-- they apply, with what the reports need to say them in words: the names of the member
-- states and capabilities of the filters (stg_member_states, stg_capabilities; the code
-- where a name is missing) and the titles of the options that add_options adds
-- (stg_options), each list in the order of the file. NULL lists: no filter, every row.
WITH states AS (
    SELECT c.variant_id, c.step,
           list(coalesce(m.name, s.code) ORDER BY s.n) AS member_state_names
    FROM stg_lever_changes AS c,
         unnest(c.member_states) WITH ORDINALITY AS s(code, n)
    LEFT JOIN stg_member_states AS m ON m.code = s.code
    GROUP BY c.variant_id, c.step
),
capabilities AS (
    SELECT c.variant_id, c.step,
           list(coalesce(k.name, s.code) ORDER BY s.n) AS capability_names
    FROM stg_lever_changes AS c,
         unnest(c.capabilities) WITH ORDINALITY AS s(code, n)
    LEFT JOIN stg_capabilities AS k ON k.capability_code = s.code
    GROUP BY c.variant_id, c.step
),
options AS (
    SELECT c.variant_id, c.step, list(o.title ORDER BY s.n) AS option_titles
    FROM stg_lever_changes AS c,
         unnest(c.options) WITH ORDINALITY AS s(option_id, n)
    LEFT JOIN stg_options AS o ON o.option_id = s.option_id
    GROUP BY c.variant_id, c.step
)
SELECT c.variant_id, c.step, c.change, c.member_states, s.member_state_names,
       c.capabilities, k.capability_names, c.days, c.at_least, c.years, c.options,
       o.option_titles, c.row_number, c.source_file
FROM stg_lever_changes AS c
LEFT JOIN states AS s USING (variant_id, step)
LEFT JOIN capabilities AS k USING (variant_id, step)
LEFT JOIN options AS o USING (variant_id, step)
ORDER BY c.variant_id, c.step
