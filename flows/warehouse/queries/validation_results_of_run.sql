-- Every expectation's result of one run (?: run id), for the validation page, with the run
-- whose results they are (null for suites that do not record it: each run checks anew) and
-- when this run checked: when it ran the suite, or when it took an earlier run's results.
select r.suite_name, r.suite_version, r.rule, r.column_name, r.success, r.element_count,
       r.unexpected_count, r.validated_at, s.results_of_run,
       coalesce(s.recorded_at, r.validated_at) as checked_by_this_run_at
from ops.validation_results as r
left join (
    select run_id, suite_name, any_value(results_of_run) as results_of_run,
           max(recorded_at) as recorded_at
    from ops.suite_runs group by all
) as s
    on s.run_id = r.run_id and s.suite_name = r.suite_name
where r.run_id = ?
order by r.suite_name, r.rule, r.column_name
