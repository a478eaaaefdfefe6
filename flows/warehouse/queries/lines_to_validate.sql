-- The landed lines no suite has validated yet (files are validated once).
with

keys as (
    select
        file_keys.*,
        files.file_name,
        coalesce(files.received_at, files.landed_at) as received_at,
        done.sha256 is not null as validated,
        coalesce(refused.lines, 0) >= files.line_count as wholly_refused
    from staging.stg_submissions__file_keys as file_keys
    inner join raw.submission_files as files on file_keys.sha256 = files.sha256
    left join ops.file_validations as done on file_keys.sha256 = done.sha256
    left join (
        select sha256, count(distinct line_no) as lines
        from ops.quarantine where severity = 'error' and line_no is not null
        group by sha256
    ) as refused on file_keys.sha256 = refused.sha256
),

-- A file whose revision is not newer than one already received for its enterprise-month
-- (a wholly refused file does not count), or that repeats the revision of a file of
-- this run received before it: it would silently replace, or lose to, the other.
stale as (
    select distinct pending.sha256
    from keys as pending
    inner join keys as other
        on other.tax_code = pending.tax_code
        and other.period = pending.period
        and other.sha256 != pending.sha256
        and not other.wholly_refused
    where not pending.validated
      and (
          (other.validated and other.revision >= pending.revision)
          or (not other.validated and other.revision = pending.revision
              and (other.received_at, other.file_name, other.sha256)
                  < (pending.received_at, pending.file_name, pending.sha256))
      )
)

select lines.*, files.file_name,
       file_keys.tax_code as file_tax_code, file_keys.period as file_period,
       stale.sha256 is null as revision_is_newer
from raw.submission_lines as lines
inner join raw.submission_files as files on lines.sha256 = files.sha256
inner join staging.stg_submissions__file_keys as file_keys
    on lines.sha256 = file_keys.sha256
left join stale on lines.sha256 = stale.sha256
anti join ops.file_validations as done on lines.sha256 = done.sha256
order by lines.sha256, lines.line_no
