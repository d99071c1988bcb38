{#- A model that reads its own previous version (int_customer_keys: keys are state)
    and replaces every row on each run.

    DuckDB and Postgres read {{ this }} in the statement that replaces it: dbt's
    delete+insert on a unique key that every row shares. Spark without Delta (no jars
    can be fetched here) has no DELETE and cannot overwrite a table that the same query
    reads, so there the previous version is first copied beside the model
    (<model>__previous, by the pre-hooks) and the model reads the copy and replaces
    itself with insert_overwrite. A unit test reads the `this` its fixture gives. -#}

{% macro previous_version_strategy() -%}
    {{ return(adapter.dispatch('previous_version_strategy', 'crm_warehouse')()) }}
{%- endmacro %}

{% macro default__previous_version_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro %}

{% macro spark__previous_version_strategy() -%}
    {{ return('insert_overwrite') }}
{%- endmacro %}

{#- The relation the model reads its previous version from (incremental runs). -#}
{% macro previous_version_relation() -%}
    {{ return(adapter.dispatch('previous_version_relation', 'crm_warehouse')()) }}
{%- endmacro %}

{% macro default__previous_version_relation() -%}
    {{ return(this) }}
{%- endmacro %}

{% macro spark__previous_version_relation() -%}
    {%- if in_unit_test() -%}
        {{ return(this) }}
    {%- endif -%}
    {{ return(this.incorporate(path={'identifier': this.identifier ~ '__previous'})) }}
{%- endmacro %}

{#- The pre-hooks that copy the previous version (one statement each: Spark runs one
    per call). None elsewhere. -#}
{% macro previous_version_hooks() -%}
    {{ return(adapter.dispatch('previous_version_hooks', 'crm_warehouse')()) }}
{%- endmacro %}

{% macro default__previous_version_hooks() -%}
    {{ return([]) }}
{%- endmacro %}

{% macro spark__previous_version_hooks() -%}
    {{ return([
        "{% if is_incremental() %}drop table if exists {{ previous_version_relation() }}{% endif %}",
        "{% if is_incremental() %}create table {{ previous_version_relation() }} using parquet as select * from {{ this }}{% endif %}",
    ]) }}
{%- endmacro %}
