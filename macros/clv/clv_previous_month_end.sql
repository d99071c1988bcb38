{#- The month end before the as-of date D: the last day of the month before D's month
    (D = 2024-12-31 or 2024-12-15 -> 2024-11-30; D = 2024-03-01 -> 2024-02-29). The
    churn warning compares P(alive) as of D with P(alive) as of this date. -#}
{% macro clv_previous_month_end() -%}
    cast({{ dbt.dateadd('day', -1, dbt.date_trunc('month', as_of_date())) }} as date)
{%- endmacro %}
