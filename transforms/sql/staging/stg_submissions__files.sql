/* One row per landed submission file: its enterprise-month, its revision, and whether it is the revision in force. */
with

files as (
    select * from raw.submission_files
),

quarantine as (
    select * from ops.quarantine
),

-- a file speaks for the enterprise-month most of its lines name
file_keys as (
    select * from staging.stg_submissions__file_keys
),

quarantined as (
    select
        sha256,
        count(distinct line_no) as lines_quarantined,
        -- refused for repeating a revision already received: never the one in force
        bool_or(rule = 'revision_newer') as is_stale_revision
    from quarantine
    where severity = 'error' and line_no is not null
    group by sha256
),

-- the highest revision wins (a stale repeat never does); between equal revisions, the one
-- landed last
ranked as (
    select
        -- ids
        files.sha256,
        file_keys.tax_code,
        file_keys.period,

        -- attributes
        files.file_name,
        files.file_format,
        files.encoding,
        file_keys.revision,
        files.landed_at,
        coalesce(files.received_at, files.landed_at) as received_at,
        files.run_id,

        -- measures
        files.line_count,
        coalesce(quarantined.lines_quarantined, 0) as lines_quarantined,

        row_number() over (
            partition by file_keys.tax_code, file_keys.period
            order by
                coalesce(quarantined.is_stale_revision, false),
                file_keys.revision desc,
                files.landed_at desc,
                files.sha256 desc
        ) as recency_rank,
        count(*) over (partition by file_keys.tax_code, file_keys.period) as files_for_month
    from files
    inner join file_keys on files.sha256 = file_keys.sha256
    left join quarantined on files.sha256 = quarantined.sha256
),

final as (
    select
        * exclude (recency_rank),
        recency_rank = 1 as is_current
    from ranked
)

select * from final
