-- Every file whose receipt is owed (this run's, and any a killed run never wrote): its keys and
-- revision as staging reads them and its month's status and due moment as the marts record
-- them, never recomputed by the receipts.
select ledger.file_name, ledger.sha256, ledger.status, ledger.reason_vi, ledger.reason_en,
       ledger.seen_at, files.line_count, files.received_at,
       -- when the file reached the agency: the inbox's time (a mailed file: when the mail
       -- server received the message), else when this run saw it
       coalesce(files.received_at, mailed.received_at, ledger.seen_at) as arrived_at,
       keys.tax_code, keys.period,
       keys.revision, notation.notation_lines, enterprises.baseline_year,
       enterprises.name_vi, enterprises.name_en, month.submission_status as month_status,
       month.is_late as month_is_late, month.due_at as month_due_at,
       month.first_received_at as month_first_received_at
from ops.file_ledger as ledger
left join raw.submission_files as files on ledger.sha256 = files.sha256
left join staging.stg_submissions__file_keys as keys on ledger.sha256 = keys.sha256
left join (
    -- quantities read through a separator or a decimal comma (info only)
    select sha256,
           count(*) filter (where regexp_matches(quantity, '[, ]')) as notation_lines
    from raw.submission_lines group by sha256
) as notation on ledger.sha256 = notation.sha256
left join (
    select sha256, min(received_at) as received_at from ops.incoming_mail_files group by sha256
) as mailed on ledger.sha256 = mailed.sha256
left join reference.ref_enterprises as enterprises on keys.tax_code = enterprises.tax_code
left join marts.fct_submission_status as month
    on keys.tax_code = month.tax_code and keys.period = month.period
where ledger.receipt_written_at is null and ledger.status <> 'already_landed'
order by ledger.seen_at, ledger.file_name
