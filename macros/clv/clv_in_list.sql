{#- `expr in (v1, v2, ...)` for a list from a var; false for an empty list (an SQL
    `in ()` is a syntax error). -#}
{% macro clv_in_list(expr, values) -%}
    {%- if values | length == 0 -%}
        false
    {%- else -%}
        {{ expr }} in ({{ values | join(', ') }})
    {%- endif -%}
{%- endmacro %}

{#- A probability as text with two decimals (0.5 -> '0.50'), for reason texts. -#}
{% macro clv_format_probability(expr) -%}
    cast(cast(round({{ expr }}, 2) as decimal(5, 2)) as {{ dbt.type_string() }})
{%- endmacro %}
