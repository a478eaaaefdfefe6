-- Every expectation's result of one run (?: run id), for the validation page.
select suite_name, suite_version, rule, column_name, success, element_count,
       unexpected_count, validated_at
from ops.validation_results where run_id = ?
order by suite_name, rule, column_name
