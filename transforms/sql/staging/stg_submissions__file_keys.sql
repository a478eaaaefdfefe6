/* One row per landed file: the enterprise, month and revision it speaks for, those most of its lines name (a tie goes to the earlier line). A line naming another enterprise or month is refused by validation, never counted for either. */
with

lines as (
    select * from raw.submission_lines
),

votes as (
    select
        sha256,
        tax_code,
        period,
        count(*) as lines_naming,
        min(line_no) as first_line
    from lines
    where tax_code is not null and period is not null
    group by sha256, tax_code, period
),

revisions as (
    select
        sha256,
        coalesce(max(try_cast(revision as integer)), 1) as revision
    from lines
    group by sha256
),

final as (
    select
        -- ids
        revisions.sha256,
        arg_max(votes.tax_code, votes.lines_naming * 1000000 - votes.first_line) as tax_code,
        arg_max(votes.period, votes.lines_naming * 1000000 - votes.first_line) as period,

        -- attributes
        any_value(revisions.revision) as revision
    from revisions
    left join votes on revisions.sha256 = votes.sha256
    group by revisions.sha256
)

select * from final
