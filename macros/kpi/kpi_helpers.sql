{#- A rate with its empty-denominator rule: numerator / denominator as a float, null
    when the denominator is 0 or null (never an error, never 0). Every KPI rate goes
    through it so BI can rebuild it from the numerator and denominator columns, and so
    do the tag features' shares and averages: a double on every engine (DuckDB divides
    a decimal into a double, Spark into a decimal). -#}
{% macro kpi_ratio(numerator, denominator) -%}
    case
        when ({{ denominator }}) is null or ({{ denominator }}) = 0 then null
        else cast(({{ numerator }}) as {{ kpi_type_double() }}) / ({{ denominator }})
    end
{%- endmacro %}


{#- The month of a date as one integer (year * 12 + month): consecutive months are
    consecutive integers, so "W months before month end M" is month_index - W (the
    month-end rule of shift_months_back, for month ends). Standard SQL extract. -#}
{% macro month_index(date_expr) -%}
    cast(extract(year from {{ date_expr }}) * 12 + extract(month from {{ date_expr }}) as {{ dbt.type_int() }})
{%- endmacro %}


{#- An SQL list of string literals from a var, e.g. ('vip', 'supreme'), for `in`. -#}
{% macro sql_string_list(values) -%}
    ({% for value in values %}'{{ value | replace("'", "''") }}'{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}


{#- The key of an item of a basket at an affinity level: category_l1, category_l2
    (as "l1 > l2": the same l2 name can sit under several l1 categories) or product
    (the SKU). `relation` is the alias of a row of fct_order_items. -#}
{% macro affinity_item_key(level, relation) -%}
    {%- set keys = {
        'category_l1': relation ~ '.category_l1',
        'category_l2': relation ~ ".category_l1 || ' > ' || " ~ relation ~ '.category_l2',
        'product': relation ~ '.sku',
    } -%}
    {%- if level not in keys -%}
        {{ exceptions.raise_compiler_error("affinity level must be one of " ~ keys.keys() | list ~ ", got " ~ level) }}
    {%- endif -%}
    {{ keys[level] }}
{%- endmacro %}


{#- A double-precision float type (dbt.type_float() is a 4-byte float on DuckDB). -#}
{% macro kpi_type_double() -%}
    {{ return(adapter.dispatch('kpi_type_double', 'crm_warehouse')()) }}
{%- endmacro %}

{% macro default__kpi_type_double() -%}
    double
{%- endmacro %}

{% macro postgres__kpi_type_double() -%}
    double precision
{%- endmacro %}
