-- 0004: the laboratories' results of periodic samples (issue 17). Lab files come through the
-- stations' drop folder (contract lab-1, told apart by their first line) and share its ledger
-- (raw.station_files, with the contract version) and quarantine.
create table if not exists raw.lab_results (
    sha256 varchar not null,
    line_no integer not null,
    sample_id varchar not null,
    outlet_id varchar not null,
    parameter varchar not null,
    sampled_at timestamp not null,
    value double not null,
    unit varchar not null,
    laboratory varchar not null,
    method varchar,
    primary key (sha256, line_no)
);
comment on table raw.lab_results is 'One row per laboratory result that passed every rule: the sample, its outlet, parameter, sampling time (UTC), value in the parameter''s unit, the laboratory and its method.';
