{#- True when the text is a JSON array (mall items and refunds must be one: anything
    else would silently unnest to no rows). Null or blank text is false. -#}
{% macro json_is_array(expr) -%}
    {{ return(adapter.dispatch('json_is_array', 'crm_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__json_is_array(expr) -%}
    coalesce(json_typeof(({{ expr }})::json) = 'array', false)
{%- endmacro %}

{% macro duckdb__json_is_array(expr) -%}
    coalesce(json_type(try_cast({{ expr }} as json)) = 'ARRAY', false)
{%- endmacro %}

{% macro spark__json_is_array(expr) -%}
    coalesce(json_array_length({{ expr }}) is not null, false)
{%- endmacro %}
