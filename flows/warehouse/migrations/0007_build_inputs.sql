-- 0007: what the last complete build was made from (issue 19): a fingerprint of its inputs
-- (raw and reference tables, the quarantine and file ledger, the build's options and code).
-- A run whose inputs have the same fingerprint skips the warehouse-phase models.
create table if not exists meta.build_inputs (
    fingerprint varchar not null,
    built_at timestamp not null
);
comment on table meta.build_inputs is 'The fingerprint of the inputs of the last complete build of the warehouse-phase models (raw and reference tables, ops.quarantine and ops.file_ledger, the build options, the code of transforms/ and expectations/): a run whose inputs fingerprint the same skips that build. Emptied when a build starts, written when it completes.';
