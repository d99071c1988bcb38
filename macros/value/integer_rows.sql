{#- One row per integer of `values` in column `column`: a tiny inline table (e.g. the
    lifecycle windows of a var). -#}
{% macro integer_rows(values, column) -%}
    {%- for value in values %}
    select {{ value | int }} as {{ column }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
