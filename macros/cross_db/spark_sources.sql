{#- Spark reads the raw exports as Parquet landed from the DuckDB ingestion
    (`crm land-raw --out DIR`, one folder per table: DIR/<schema>/<table>/). Run by
    on-run-start: with env CRM_SPARK_RAW_DIR set, each source table of schema raw or
    audit is (re)declared an external Parquet table on its folder; without it, the
    sources must already exist (a cluster whose raw tables are loaded otherwise).
    Other engines: nothing (their sources are ingestion's own tables). -#}
{% macro register_landed_sources() -%}
    {{ return(adapter.dispatch('register_landed_sources', 'crm_warehouse')()) }}
{%- endmacro %}

{% macro default__register_landed_sources() -%}
{%- endmacro %}

{% macro spark__register_landed_sources() -%}
    {%- set landed_dir = env_var('CRM_SPARK_RAW_DIR', '') -%}
    {%- if execute and landed_dir -%}
        {%- for source_node in graph.sources.values() | sort(attribute='unique_id') -%}
            {%- if source_node.schema in ('raw', 'audit') -%}
                {%- set relation = source_node.schema ~ '.' ~ source_node.identifier -%}
                {%- do run_query('create schema if not exists ' ~ source_node.schema) -%}
                {%- do run_query('drop table if exists ' ~ relation) -%}
                {%- do run_query(
                    'create table ' ~ relation ~ ' using parquet location '
                    ~ "'" ~ landed_dir ~ '/' ~ source_node.schema ~ '/' ~ source_node.identifier ~ "'"
                ) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
