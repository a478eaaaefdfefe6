-- Every expectation's result of one run (?: run id), for the validation page, with the run
-- whose results they are (null for suites that do not record it: each run checks anew).
select r.suite_name, r.suite_version, r.rule, r.column_name, r.success, r.element_count,
       r.unexpected_count, r.validated_at, s.results_of_run
from ops.validation_results as r
left join (select distinct run_id, suite_name, results_of_run from ops.suite_runs) as s
    on s.run_id = r.run_id and s.suite_name = r.suite_name
where r.run_id = ?
order by r.suite_name, r.rule, r.column_name
