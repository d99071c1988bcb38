{#- "D minus W months" by domain.md's month-end rule: when D is the last day of its
    month, the result is the last day of the month W months earlier (1998-06-30 minus
    3 months is 1998-03-31); otherwise the same day of the month, clamped to that
    month's end (2024-05-30 minus 3 months is 2024-02-29). `months` may be an integer
    or an SQL expression; negative shifts go forward. -#}
{% macro shift_months_back(date_expr, months) -%}
    case
        when {{ date_expr }} = cast({{ dbt.last_day(date_expr, 'month') }} as date)
            then cast({{ dbt.last_day(dbt.dateadd('month', '-1 * (' ~ months ~ ')', date_expr), 'month') }} as date)
        else cast({{ dbt.dateadd('month', '-1 * (' ~ months ~ ')', date_expr) }} as date)
    end
{%- endmacro %}


{#- The month end `months` months after the month end `month_end_expr` (negative:
    before); every month end maps to a month end (2024-02-29 plus 12 is 2025-02-28). -#}
{% macro shift_month_end(month_end_expr, months) -%}
    cast({{ dbt.last_day(dbt.dateadd('month', months, month_end_expr), 'month') }} as date)
{%- endmacro %}
