{#- dbt.safe_cast on DuckDB falls back to a plain cast, which fails the whole query on
    one bad value. Exports carry bad values: a value that does not convert is null. -#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
