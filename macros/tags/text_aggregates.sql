{#- Concatenate text_expr over a group, ordered by order_expr, separated by
    separator (an SQL string literal). -#}
{% macro string_agg_ordered(text_expr, order_expr, separator) -%}
    {{ return(adapter.dispatch('string_agg_ordered', 'crm_warehouse')(text_expr, order_expr, separator)) }}
{%- endmacro %}

{% macro default__string_agg_ordered(text_expr, order_expr, separator) -%}
    string_agg({{ text_expr }}, {{ separator }} order by {{ order_expr }})
{%- endmacro %}

{% macro spark__string_agg_ordered(text_expr, order_expr, separator) -%}
    array_join(
        transform(
            array_sort(collect_list(struct({{ order_expr }} as sort_key, {{ text_expr }} as text_value))),
            item -> item.text_value
        ),
        {{ separator }}
    )
{%- endmacro %}


{#- A decimal as short text: no trailing zeros, no trailing point (100.0000 -> 100,
    0.6000 -> 0.6). Null stays null. -#}
{% macro number_text(number_expr) -%}
    {{ return(adapter.dispatch('number_text', 'crm_warehouse')(number_expr)) }}
{%- endmacro %}

{% macro default__number_text(number_expr) -%}
    case
        when {{ number_expr }} = floor({{ number_expr }})
            then cast(cast({{ number_expr }} as bigint) as {{ dbt.type_string() }})
        else rtrim(cast({{ number_expr }} as {{ dbt.type_string() }}), '0')
    end
{%- endmacro %}

{#- Spark's two-argument rtrim takes the characters first (rtrim(trim_chars, text)):
    the trailing zeros go by a regular expression instead. -#}
{% macro spark__number_text(number_expr) -%}
    case
        when {{ number_expr }} = floor({{ number_expr }})
            then cast(cast({{ number_expr }} as bigint) as {{ dbt.type_string() }})
        else regexp_replace(cast({{ number_expr }} as {{ dbt.type_string() }}), '0+$', '')
    end
{%- endmacro %}
