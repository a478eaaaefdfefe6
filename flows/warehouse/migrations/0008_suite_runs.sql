-- 0008: what each suite of a run checked (issue 19): a fingerprint of the tables it read and
-- of the code, and the run whose Great Expectations results stand for it. A run that checks
-- the same tables with the same code takes those results (passed or not) instead of running
-- the suite again: a rerun with nothing new.
create table if not exists ops.suite_runs (
    run_id varchar not null,
    suite_name varchar not null,
    fingerprint varchar not null,
    results_of_run varchar not null,
    recorded_at timestamp not null
);
comment on table ops.suite_runs is 'One row per suite per run that checked the marts: the fingerprint of what it checked (tables and code) and the run whose results in ops.validation_results are its own (this run, or an earlier one that checked the same).';
