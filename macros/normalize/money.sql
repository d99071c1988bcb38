{#- Money arrives in yuan as text in POS and marketing exports (with a thousands
    separator, a ¥ or ￥ sign, spaces) and in fen (integer cents) in the mall. Downstream
    of staging every amount is yuan as decimal(18, 2). Unparseable text is null. -#}

{% macro parse_yuan(expr) -%}
    {%- set cleaned = regexp_replace_all(_fullwidth_to_ascii(expr), '[¥￥,，[:space:]]', '') -%}
    {{ dbt.safe_cast("nullif(" ~ cleaned ~ ", '')", "decimal(18, 2)") }}
{%- endmacro %}

{% macro fen_to_yuan(expr) -%}
    cast({{ dbt.safe_cast("trim(" ~ expr ~ ")", dbt.type_bigint()) }} / 100.0 as decimal(18, 2))
{%- endmacro %}
