-- The rejected lines and files of every owed receipt.
select sha256, line_no, field, value, rule, severity, reason_vi, reason_en
from ops.quarantine
where sha256 in (
    select sha256 from ops.file_ledger
    where receipt_written_at is null and status <> 'already_landed'
)
order by sha256, line_no, rule
