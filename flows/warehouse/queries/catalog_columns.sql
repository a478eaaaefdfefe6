-- Every column of the schemas given (?: a list), in table order, with its type and comment.
select schema_name, table_name, column_name, data_type, comment
from duckdb_columns() where schema_name in (select unnest(?))
order by schema_name, table_name, column_index
