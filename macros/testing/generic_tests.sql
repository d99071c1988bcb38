{#- Generic data tests of our own (the dbt package hub is unreachable, so no
    dbt_utils). -#}

{#- The combination of `columns` is unique: returns each duplicated combination with
    its count. -#}
{% test unique_combination(model, columns) %}
    select
        {{ columns | join(', ') }},
        count(*) as occurrences
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}


{#- Every row satisfies the SQL boolean `expression` (a null result fails too):
    returns the rows that do not. -#}
{% test expression_is_true(model, expression, column_name=none) %}
    select *
    from {{ model }}
    where not coalesce({{ expression }}, false)
{% endtest %}
