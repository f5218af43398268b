-- Lever files name only what exists: every change belongs to an accepted variant, its
-- filters name member states and capabilities of the reference data, the options it
-- adds are accepted options, its kind is one of methodology §12 with the parameter the
-- kind needs, and the steps of a variant run 1, 2, ... as many as it has changes.
WITH c AS (SELECT * FROM stg_lever_changes)
SELECT 'variant' AS problem, variant_id || ' step ' || step AS key
FROM c WHERE variant_id NOT IN (SELECT variant_id FROM stg_levers)
UNION ALL
SELECT 'member_state ' || s, variant_id || ' step ' || step
FROM (SELECT variant_id, step, unnest(member_states) AS s FROM c)
WHERE s NOT IN (SELECT code FROM stg_member_states)
UNION ALL
SELECT 'capability ' || s, variant_id || ' step ' || step
FROM (SELECT variant_id, step, unnest(capabilities) AS s FROM c)
WHERE s NOT IN (SELECT capability_code FROM stg_capabilities)
UNION ALL
SELECT 'option ' || s, variant_id || ' step ' || step
FROM (SELECT variant_id, step, unnest(options) AS s FROM c)
WHERE s NOT IN (SELECT option_id FROM stg_options)
UNION ALL
SELECT 'change ' || change, variant_id || ' step ' || step
FROM c
WHERE NOT coalesce(CASE change
    WHEN 'lift_caveats' THEN true
    WHEN 'release_nato' THEN true
    WHEN 'withdraw' THEN true
    WHEN 'readiness' THEN days BETWEEN 0 AND 365
    WHEN 'availability' THEN at_least BETWEEN 0 AND 1
    WHEN 'extend_service' THEN years >= 1
    WHEN 'add_options' THEN len(options) > 0
    ELSE false END, false)
   OR (len(member_states) = 0) OR (len(capabilities) = 0)
UNION ALL
SELECT 'steps', l.variant_id
FROM stg_levers AS l
LEFT JOIN (SELECT variant_id, count(*) AS n, min(step) AS lo, max(step) AS hi
           FROM c GROUP BY variant_id) AS s USING (variant_id)
WHERE coalesce(s.n, 0) <> l.changes
   OR (s.n > 0 AND (s.lo <> 1 OR s.hi <> s.n))
ORDER BY ALL
