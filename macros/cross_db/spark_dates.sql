{#- dbt-spark 1.11's dateadd and datediff repeat their argument three times (and
    wrap it in assert_not_null): nested, as in shift_months_back inside
    lifecycle_stage, the expression grows threefold per level until Spark takes
    minutes to plan a query or fails to compile it; and a null date raises an error
    where DuckDB gives null. These win through the dispatch search order in
    dbt_project.yml: each argument appears once, null gives null, and the results
    match DuckDB's (a timestamp from dateadd; datediff counts the boundaries crossed,
    as DuckDB's date_diff does). -#}

{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    {%- set units = {
        'day': 'day', 'week': 'week', 'month': 'month', 'quarter': 'quarter', 'year': 'year',
        'hour': 'hour', 'minute': 'minute', 'second': 'second',
    } -%}
    {%- if datepart not in units -%}
        {{ exceptions.raise_compiler_error("spark__dateadd: datepart '" ~ datepart ~ "' is not supported") }}
    {%- endif -%}
    timestampadd({{ units[datepart] }}, cast({{ interval }} as bigint), cast({{ from_date_or_timestamp }} as timestamp))
{%- endmacro %}

{% macro spark__datediff(first_date, second_date, datepart) -%}
    {%- if datepart == 'day' -%}
        datediff(cast({{ second_date }} as date), cast({{ first_date }} as date))
    {%- elif datepart == 'month' -%}
        ((year({{ second_date }}) - year({{ first_date }})) * 12 + month({{ second_date }}) - month({{ first_date }}))
    {%- elif datepart == 'year' -%}
        (year({{ second_date }}) - year({{ first_date }}))
    {%- else -%}
        {{ exceptions.raise_compiler_error("spark__datediff: datepart '" ~ datepart ~ "' is not supported") }}
    {%- endif -%}
{%- endmacro %}
