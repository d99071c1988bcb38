{#- Money arrives in yuan as text in POS and marketing exports (with a thousands
    separator, a ¥ or ￥ sign, spaces) and in fen (integer cents) in the mall. Downstream
    of staging every amount is yuan as decimal(18, 2). Unparseable text is null (the
    staging checks in macros/staging/checks/ flag or reject it with a reason). -#}

{% macro parse_yuan(expr) -%}
    {%- set cleaned = regexp_replace_all(_fullwidth_to_ascii(expr), '[¥￥,，[:space:]]', '') -%}
    {{ dbt.safe_cast("nullif(" ~ cleaned ~ ", '')", "decimal(18, 2)") }}
{%- endmacro %}

{#- Fen are integer cents: text that is not an integer ('129.00', '12,900') is null,
    never rounded (a cast of '129.00' to bigint would give 129 fen, 1.29 yuan). -#}
{% macro fen_to_yuan(expr) -%}
    cast({{ parse_integer(expr, dbt.type_bigint()) }} / 100.0 as decimal(18, 2))
{%- endmacro %}
