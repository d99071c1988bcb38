{#- A join clause that splits text_column at every match of separator_pattern and
    gives one row per part: `element_alias` the part, `ordinal_alias` its 1-based
    position. A null value yields no rows. -#}
{% macro join_split_parts(text_column, separator_pattern, relation_alias, element_alias, ordinal_alias) -%}
    {{ return(adapter.dispatch('join_split_parts', 'crm_warehouse')(text_column, separator_pattern, relation_alias, element_alias, ordinal_alias)) }}
{%- endmacro %}

{% macro default__join_split_parts(text_column, separator_pattern, relation_alias, element_alias, ordinal_alias) -%}
    cross join lateral regexp_split_to_table({{ text_column }}, '{{ separator_pattern }}')
        with ordinality as {{ relation_alias }} ({{ element_alias }}, {{ ordinal_alias }})
{%- endmacro %}

{% macro duckdb__join_split_parts(text_column, separator_pattern, relation_alias, element_alias, ordinal_alias) -%}
    cross join unnest(string_split_regex({{ text_column }}, '{{ separator_pattern }}'))
        with ordinality as {{ relation_alias }} ({{ element_alias }}, {{ ordinal_alias }})
{%- endmacro %}

{#- Spark: a lateral subquery over posexplode (0-based, hence + 1). -#}
{% macro spark__join_split_parts(text_column, separator_pattern, relation_alias, element_alias, ordinal_alias) -%}
    cross join lateral (
        select
            parts.col as {{ element_alias }},
            parts.pos + 1 as {{ ordinal_alias }}
        from posexplode(split({{ text_column }}, {{ spark_regex_literal(separator_pattern) }})) as parts
    ) as {{ relation_alias }}
{%- endmacro %}
