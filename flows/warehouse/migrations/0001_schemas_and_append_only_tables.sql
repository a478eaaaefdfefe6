-- 0001: the schemas and the tables the pipeline appends to (raw, ops), as first released.
-- The layers built from them (staging, marts, reports) are replaced by every build.
create schema if not exists raw;
create schema if not exists reference;
create schema if not exists staging;
create schema if not exists marts;
create schema if not exists reports;
create schema if not exists ops;

create table if not exists raw.submission_files (
    sha256 varchar primary key,
    file_name varchar not null,
    file_format varchar not null,
    encoding varchar,
    size_bytes bigint not null,
    line_count integer not null,
    landed_at timestamp not null,
    run_id varchar not null
);
comment on table raw.submission_files is 'One row per landed submission file, as received (append-only). Grain: file (sha256).';

create table if not exists raw.submission_lines (
    sha256 varchar not null,
    line_no integer not null,
    tax_code varchar,
    period varchar,
    revision varchar,
    activity_code varchar,
    quantity varchar,
    unit varchar,
    note varchar,
    primary key (sha256, line_no)
);
comment on table raw.submission_lines is 'One row per line of a landed file, every value as received text (NFC). line_no: the spreadsheet/CSV row (header = 1) or the JSON line index + 1.';

create table if not exists ops.runs (
    run_id varchar primary key,
    period varchar,
    started_at timestamp not null,
    finished_at timestamp,
    status varchar not null,
    files_landed integer,
    files_rejected integer,
    files_skipped integer,
    lines_landed integer,
    lines_quarantined integer,
    reports_written integer,
    outbox varchar
);
comment on table ops.runs is 'One row per monthly-cycle run, with what it did and seconds per stage.';

create table if not exists ops.file_ledger (
    run_id varchar not null,
    file_name varchar not null,
    sha256 varchar not null,
    status varchar not null,
    reason_vi varchar,
    reason_en varchar,
    seen_at timestamp not null
);
comment on table ops.file_ledger is 'One row per file seen in the inbox per run: landed, rejected, duplicate or already_landed, and when its receipt was written.';

create table if not exists ops.file_validations (
    sha256 varchar primary key,
    run_id varchar not null,
    suite_version varchar not null,
    validated_at timestamp not null
);
comment on table ops.file_validations is 'One row per landed file whose lines have been validated (files are validated once).';

create table if not exists ops.validation_results (
    run_id varchar not null,
    suite_name varchar not null,
    suite_version varchar not null,
    rule varchar not null,
    column_name varchar,
    success boolean not null,
    element_count bigint,
    unexpected_count bigint,
    validated_at timestamp not null
);
comment on table ops.validation_results is 'One row per expectation per suite run: the GX result summary.';

create table if not exists ops.quarantine (
    run_id varchar not null,
    sha256 varchar not null,
    file_name varchar not null,
    line_no integer,
    field varchar not null,
    value varchar,
    rule varchar not null,
    severity varchar not null,
    reason_vi varchar not null,
    reason_en varchar not null,
    suite_version varchar,
    quarantined_at timestamp not null
);
comment on table ops.quarantine is 'One row per rejected file or line and rule broken, with a bilingual reason. Nothing rejected is dropped silently.';
