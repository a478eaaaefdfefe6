/* One row per accepted line of every landed revision: typed, text already NFC at ingest. is_current marks the revision in force for its enterprise and month; earlier revisions stay for restatements. */
with

lines as (
    select * from raw.submission_lines
),

files as (
    select * from staging.stg_submissions__files
),

rejected_lines as (
    select distinct sha256, line_no
    from ops.quarantine
    where severity = 'error' and line_no is not null
),

accepted as (
    select lines.*
    from lines
    inner join files on lines.sha256 = files.sha256
    anti join rejected_lines
        on lines.sha256 = rejected_lines.sha256 and lines.line_no = rejected_lines.line_no
),

final as (
    select
        -- ids
        accepted.tax_code,
        accepted.period,
        accepted.sha256,
        accepted.line_no,

        -- dates
        cast(strptime(accepted.period || '-01', '%Y-%m-%d') as date) as reporting_month,

        -- attributes
        files.revision,
        files.is_current,
        accepted.activity_code,
        accepted.unit,
        accepted.note,

        -- measures, in the submitted unit, as text: staging.py reads the number with the
        -- contract's own rule (transforms/submission_contract.py), the one validation used
        accepted.quantity as quantity_text
    from accepted
    inner join files on accepted.sha256 = files.sha256
)

select * from final
