{#- Generic test: no two rows share the values of `columns` (the grain of a table
    keyed by several columns); returns each duplicated key with its count. Nulls count
    as values here (not_null tests on the key columns rule them out). -#}
{% test kpi_unique_combination(model, columns) %}
    select
        {{ columns | join(', ') }},
        count(*) as duplicate_rows
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}
