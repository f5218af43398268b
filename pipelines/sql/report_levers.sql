-- Report: the what-if variants (methodology §12; from stg_levers), one row per accepted
-- lever file: its id, name, how many changes it lists, its file, and its kind as the
-- reports name it: a single lever (one change), a package (several changes, such as a
-- management package combining levers) or a variant with no change. In the order the
-- reports show them: single levers, packages, then variants with no change, each by id.
-- Empty when there is no lever file.
SELECT variant_id, name, changes, source_file,
       CASE WHEN changes = 1 THEN 'single lever'
            WHEN changes > 1 THEN 'package'
            ELSE 'no change' END AS kind,
       CASE WHEN changes = 1 THEN 1 WHEN changes > 1 THEN 2 ELSE 3 END AS kind_order
FROM stg_levers
ORDER BY kind_order, variant_id
