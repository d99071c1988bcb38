{#- JSON access differs by engine. Values come back as text (null when absent). -#}

{% macro json_get_text(expr, key) -%}
    {{ return(adapter.dispatch('json_get_text', 'crm_warehouse')(expr, key)) }}
{%- endmacro %}

{% macro default__json_get_text(expr, key) -%}
    ({{ expr }}::json ->> '{{ key }}')
{%- endmacro %}

{% macro duckdb__json_get_text(expr, key) -%}
    json_extract_string({{ expr }}, '$.{{ key }}')
{%- endmacro %}

{% macro spark__json_get_text(expr, key) -%}
    get_json_object({{ expr }}, '$.{{ key }}')
{%- endmacro %}


{#- A join clause that turns each element of the JSON array in json_column into one
    row: `element_alias` holds the element as JSON text, `ordinal_alias` its 1-based
    position. A null, empty or non-array value yields no rows. -#}
{% macro join_json_array_elements(json_column, relation_alias, element_alias, ordinal_alias) -%}
    {{ return(adapter.dispatch('join_json_array_elements', 'crm_warehouse')(json_column, relation_alias, element_alias, ordinal_alias)) }}
{%- endmacro %}

{% macro default__join_json_array_elements(json_column, relation_alias, element_alias, ordinal_alias) -%}
    cross join lateral json_array_elements(
        case when json_typeof({{ json_column }}::json) = 'array' then {{ json_column }}::json end
    ) with ordinality as {{ relation_alias }} ({{ element_alias }}, {{ ordinal_alias }})
{%- endmacro %}

{% macro duckdb__join_json_array_elements(json_column, relation_alias, element_alias, ordinal_alias) -%}
    cross join unnest(try_cast({{ json_column }} as json [])) with ordinality as {{ relation_alias }} ({{ element_alias }}, {{ ordinal_alias }})
{%- endmacro %}

{#- Spark: from_json as an array of text is null for anything but an array. An
    object element comes back as its JSON text, as on DuckDB; a scalar element as
    its bare value (DuckDB keeps a string's quotes): the project only reads objects. -#}
{% macro spark__join_json_array_elements(json_column, relation_alias, element_alias, ordinal_alias) -%}
    cross join lateral (
        select
            elements.col as {{ element_alias }},
            elements.pos + 1 as {{ ordinal_alias }}
        from posexplode(from_json({{ json_column }}, 'array<string>')) as elements
    ) as {{ relation_alias }}
{%- endmacro %}
