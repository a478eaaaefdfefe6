-- The data-quality warnings of every owed receipt's month.
select files.sha256, w.activity_code, activities.label_vi as activity_label_vi,
       activities.label_en as activity_label_en, w.rule, w.quantity, w.unit, w.compared_with,
       w.reason_vi, w.reason_en
from marts.fct_data_quality_warnings as w
left join reference.ref_activities as activities on w.activity_code = activities.activity_code
inner join staging.stg_submissions__files as files
    on w.tax_code = files.tax_code and w.period = files.period and files.is_current
where files.sha256 in (
    select sha256 from ops.file_ledger
    where receipt_written_at is null and status <> 'already_landed'
)
order by files.sha256, w.activity_code, w.rule
