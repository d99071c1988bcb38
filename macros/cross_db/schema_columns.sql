{#- The columns of the tables in a schema, as rows (table_name, column_name). Spark's
    session catalog has no information_schema: there the rows are listed at run time
    from the project's own relations in that schema that exist (the dbt models whose
    schema it is), as literals. -#}
{% macro schema_columns_sql(schema_name) -%}
    {{ return(adapter.dispatch('schema_columns_sql', 'crm_warehouse')(schema_name)) }}
{%- endmacro %}

{% macro default__schema_columns_sql(schema_name) -%}
    select
        table_name,
        column_name
    from information_schema.columns
    where table_schema = '{{ schema_name }}'
{%- endmacro %}

{% macro spark__schema_columns_sql(schema_name) -%}
    {%- set rows = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() | sort(attribute='unique_id')
            if node.resource_type in ('model', 'seed') and node.schema == schema_name -%}
            {%- set relation = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) -%}
            {%- if relation is not none -%}
                {%- for column in adapter.get_columns_in_relation(relation) -%}
                    {%- do rows.append((node.alias, column.name)) -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    select
        cast(null as string) as table_name,
        cast(null as string) as column_name
    where 1 = 0
    {%- for table_name, column_name in rows %}
    union all
    select
        '{{ table_name }}' as table_name,
        '{{ column_name }}' as column_name
    {%- endfor %}
{%- endmacro %}
