-- Every refresh appends its gap_capabilities rows under its run id and time, so a
-- report can say what changed since the last run. Earlier runs are never touched;
-- a retried step replaces only its own run's rows.
CREATE TABLE IF NOT EXISTS gap_history AS
SELECT CAST(NULL AS VARCHAR) AS run_id, CAST(NULL AS TIMESTAMP) AS run_at, *
FROM gap_capabilities
LIMIT 0;
DELETE FROM gap_history WHERE run_id = $run_id;
INSERT INTO gap_history BY NAME
SELECT CAST($run_id AS VARCHAR) AS run_id, CAST($run_at AS TIMESTAMP) AS run_at, *
FROM gap_capabilities;
