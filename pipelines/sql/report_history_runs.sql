-- Report: the two latest refreshes in gap_history, newest first: the current figures
-- and those they are compared with.
SELECT run_id, run_at, count(*) AS capability_rows
FROM gap_history
GROUP BY run_id, run_at
ORDER BY run_at DESC, run_id DESC
LIMIT 2
