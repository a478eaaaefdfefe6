-- 0002: columns added after the first release; existing warehouses gain them in place.
-- When the file reached the inbox (its modification time): what "on time" is judged by.
alter table raw.submission_files add column if not exists received_at timestamp;

alter table ops.runs add column if not exists warnings integer;
alter table ops.runs add column if not exists reports_rendered integer;
alter table ops.runs add column if not exists stage_seconds varchar; -- JSON: {"stage": seconds}
alter table ops.runs add column if not exists duration_s double;
alter table ops.runs add column if not exists stopped_reason varchar;

-- A receipt is owed until it is written: every run first writes what earlier runs owe (a
-- run killed between landing and receipts). Rows of runs that completed before this column
-- existed had their receipts written by those runs.
alter table ops.file_ledger add column if not exists receipt_written_at timestamp;
update ops.file_ledger set receipt_written_at = seen_at
where receipt_written_at is null and status <> 'already_landed'
  and run_id in (select run_id from ops.runs where status = 'completed');
