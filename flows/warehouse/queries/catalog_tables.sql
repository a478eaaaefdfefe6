-- Every table of the schemas given (?: a list), with its comment.
select schema_name, table_name, comment from duckdb_tables()
where schema_name in (select unnest(?)) order by all
