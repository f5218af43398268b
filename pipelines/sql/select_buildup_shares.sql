-- The build-up in the base year, per scenario: the share of its requirement covered at
-- each checkpoint day (gap_buildup), for the Dagster UI.
WITH shares AS (
    SELECT scenario_id, day, exact_sum(covered) / exact_sum(required) AS share,
           exact_sum(covered_if_late) / exact_sum(required) AS share_if_late
    FROM gap_buildup
    WHERE year = $base_year
    GROUP BY ALL
)
SELECT scenario_id,
       string_agg(format('d{}: {}%', day, round(100 * share)::INTEGER), ' · ' ORDER BY day)
           AS covered,
       string_agg(format('d{}: {}%', day, round(100 * share_if_late)::INTEGER), ' · ' ORDER BY day)
           AS covered_if_late
FROM shares
GROUP BY scenario_id
ORDER BY scenario_id
