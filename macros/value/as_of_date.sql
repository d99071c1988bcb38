{#- The as-of date D of every point-in-time model (var as_of_date, set by `crm build`;
    never the machine's clock), as an SQL date literal. -#}
{% macro as_of_date() -%}
    cast('{{ var("as_of_date") }}' as date)
{%- endmacro %}
