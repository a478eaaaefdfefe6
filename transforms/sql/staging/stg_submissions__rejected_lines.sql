/* One row per rejected line of every landed revision (an error quarantined it): the activity it named, as sent. The marts read these so that a figure resting on a rejected line is unknown, never a smaller known number. */
with

lines as (
    select * from raw.submission_lines
),

files as (
    select * from staging.stg_submissions__files
),

rejected_lines as (
    select
        sha256,
        line_no,
        string_agg(distinct rule, ',' order by rule) as rules
    from ops.quarantine
    where severity = 'error' and line_no is not null
    group by sha256, line_no
),

final as (
    select
        -- ids: the enterprise-month of the file the line came in
        files.tax_code,
        files.period,
        rejected_lines.sha256,
        rejected_lines.line_no,

        -- dates
        cast(try_strptime(files.period || '-01', '%Y-%m-%d') as date) as reporting_month,

        -- attributes
        files.revision,
        files.is_current,
        lines.activity_code,
        rejected_lines.rules
    from rejected_lines
    inner join files on rejected_lines.sha256 = files.sha256
    left join lines
        on rejected_lines.sha256 = lines.sha256 and rejected_lines.line_no = lines.line_no
)

select * from final
