-- exact_sum: a sum that gives the same bits whatever the order DuckDB's threads add
-- the rows in (a DOUBLE sum does not), so a rerun gives byte-identical tables.
-- Values are carried at 12 decimals, far below any quantity a planner counts.
CREATE OR REPLACE TEMP MACRO exact_sum(x) AS CAST(sum(CAST(x AS DECIMAL(38, 12))) AS DOUBLE);
CREATE OR REPLACE TEMP MACRO risk_name(v) AS ['none', 'low', 'moderate', 'significant', 'high'][v + 1];
-- A role as a person reads it: 'border_security;domestic_support' → 'border security; domestic support'.
CREATE OR REPLACE TEMP MACRO role_label(r) AS replace(replace(r, '_', ' '), ';', '; ');
CREATE OR REPLACE TEMP MACRO criticality_rank(c) AS
    CASE c WHEN 'essential' THEN 1 WHEN 'important' THEN 2 WHEN 'desirable' THEN 3 END;
-- An inventory row is in force in year y when its first year is open or ≤ y and its
-- last year is open or ≥ y (methodology §1).
CREATE OR REPLACE TEMP MACRO in_force(first_year, last_year, y) AS
    (first_year IS NULL OR first_year <= y) AND (last_year IS NULL OR last_year >= y);
-- A row may act for a scenario when it is the invoking state's own or may deploy abroad
-- (methodology §2).
CREATE OR REPLACE TEMP MACRO may_act_for(member_state, deployable_abroad, invoking_state) AS
    (member_state = invoking_state OR deployable_abroad);
-- A lever's change acts on a row when the row matches every filter it names
-- (methodology §12); a NULL filter names none.
CREATE OR REPLACE TEMP MACRO lever_matches(states, capabilities, state, capability) AS
    (states IS NULL OR list_contains(states, state))
    AND (capabilities IS NULL OR list_contains(capabilities, capability));
