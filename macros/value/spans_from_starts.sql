{#- Closes spans: `starts_relation` holds one row per `key_column` and valid_from (the
    month end a run of equal values starts), with `value_columns`; each span lasts until
    the month end before the key's next start, the last one until the last month end of
    the history (`last_month_end`, a column of `starts_relation`). Returns the key, the
    value columns, valid_from and valid_to. Shared by customer_lifecycle_spans and
    customer_tier_spans. -#}
{% macro spans_from_starts(starts_relation, key_column, value_columns) -%}
    with with_next as (
        select
            {{ key_column }},
            {%- for column in value_columns %}
            {{ column }},
            {%- endfor %}
            valid_from,
            last_month_end,
            -- tie-break: valid_from unique (span starts are distinct month ends of a key)
            lead(valid_from) over (
                partition by {{ key_column }} order by valid_from asc
            ) as next_valid_from
        from {{ starts_relation }}
    ),

    closed as (
        select
            {{ key_column }},
            {%- for column in value_columns %}
            {{ column }},
            {%- endfor %}
            valid_from,
            coalesce({{ shift_month_end('next_valid_from', -1) }}, last_month_end) as valid_to
        from with_next
    )

    select * from closed
{%- endmacro %}
