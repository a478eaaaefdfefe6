-- Every landed file (sha256 → the name it was landed under): what a new copy is checked against.
select sha256, file_name from raw.submission_files
