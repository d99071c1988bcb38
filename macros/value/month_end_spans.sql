{#- Compacts a monthly history to spans: `relation` holds one row per `key_column` and
    month_end, either on a dense month-end grid (no gaps between a key's first and last
    month end) or, with `last_month_end` (a column of `relation`: the history's last
    month end), only at the month ends where the values may change (they hold until the
    key's next row, the last row's until last_month_end); consecutive rows whose
    `value_columns` are all equal (null equals null) become one row with valid_from (the
    span's first month end) and valid_to (its last).
    Returns the key, the value columns, valid_from and valid_to; a history of months in
    which the values change a few times a year becomes a few rows per key instead of one
    per month. Two window passes: one over the monthly rows, one over the span starts.
    The inverse is a join to the month-end spine on month_end between valid_from and
    valid_to. -#}
{% macro month_end_spans(relation, key_column, value_columns, last_month_end=none) -%}
    with flagged as (
        select
            {{ key_column }},
            {%- for column in value_columns %}
            {{ column }},
            -- tie-break: month_end unique (one row per key_column and month_end: the contract)
            lag({{ column }}) over (
                partition by {{ key_column }} order by month_end asc
            ) as previous_{{ column }},
            {%- endfor %}
            -- tie-break: month_end unique (one row per key_column and month_end: the contract)
            lag(month_end) over (
                partition by {{ key_column }} order by month_end asc
            ) as previous_month_end,
            {%- if last_month_end %}
            {{ last_month_end }} as last_month_end,
            {%- else %}
            max(month_end) over (partition by {{ key_column }}) as last_month_end,
            {%- endif %}
            month_end
        from {{ relation }}
    ),

    span_starts as (
        select
            {{ key_column }},
            {%- for column in value_columns %}
            {{ column }},
            {%- endfor %}
            last_month_end,
            month_end as valid_from
        from flagged
        where
            previous_month_end is null
            {%- for column in value_columns %}
            or not (
                coalesce({{ column }} = previous_{{ column }}, false)
                or ({{ column }} is null and previous_{{ column }} is null)
            )
            {%- endfor %}
    ),

    with_next as (
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
        from span_starts
    ),

    spans as (
        select
            {{ key_column }},
            {%- for column in value_columns %}
            {{ column }},
            {%- endfor %}
            valid_from,
            case
                when next_valid_from is null then last_month_end
                else cast({{ dbt.last_day(dbt.dateadd('month', -1, 'next_valid_from'), 'month') }} as date)
            end as valid_to
        from with_next
    )

    select * from spans
{%- endmacro %}
