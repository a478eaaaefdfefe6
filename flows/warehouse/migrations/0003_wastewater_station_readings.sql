-- 0003: the wastewater stream (issue 17). Station files land beside the submissions, with
-- their own ledger and quarantine: a month is tens of thousands of files per park, and a
-- station's file is answered by the agency's monitoring page, not by a receipt each.
create table if not exists raw.station_files (
    sha256 varchar primary key,
    file_name varchar not null,
    contract_version varchar not null,
    size_bytes bigint not null,
    line_count integer not null,
    readings integer not null,
    rejected_lines integer not null,
    received_at timestamp,
    landed_at timestamp not null,
    run_id varchar not null
);
comment on table raw.station_files is 'One row per station file landed (one transmission of a wastewater monitoring station), with how many of its lines became readings and how many were rejected.';

create table if not exists raw.station_readings (
    sha256 varchar not null,
    line_no integer not null,
    outlet_id varchar not null,
    parameter varchar not null,
    measured_at timestamp not null,
    value double,
    unit varchar not null,
    status varchar not null,
    primary key (sha256, line_no)
);
comment on table raw.station_readings is 'One row per reading of a station file that passed every rule: outlet, parameter, time (UTC), value in the parameter''s unit and the instrument status.';

create table if not exists ops.station_quarantine (
    run_id varchar not null,
    sha256 varchar not null,
    file_name varchar not null,
    line_no integer,
    field varchar not null,
    value varchar,
    rule varchar not null,
    reason_vi varchar not null,
    reason_en varchar not null,
    quarantined_at timestamp not null
);
comment on table ops.station_quarantine is 'One row per station file or line rejected and rule broken, with a bilingual reason. Nothing rejected is dropped silently.';
