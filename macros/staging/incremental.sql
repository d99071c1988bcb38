{#- Incremental staging of the large, append-mostly exports (orders, order lines,
    behaviour events, WeCom group events; mall orders with their items and refunds,
    through base_mall__orders): a nightly refresh re-stages only the records it must,
    and gives exactly what a full build would.

    A record (the spec's key) is re-staged when
      - a raw row of it arrived in a file loaded since the model's last build (the
        file id watermark in audit.staging_watermarks): a new record, or a new version
        of an old one (restated, however old), or
      - its staged business date (`date_column`, for models that have one) lies in
        the lookback window: the last var('staging_lookback_days') days (default 7)
        before the latest business date of the last build (late-arriving and restated
        records of recent days), or
      - it depends on an affected record (`dependent_keys`: SQL over the affected
        keys, e.g. a POS return whose sale just arrived or changed).
    Every raw row of such a record, old ones included, is staged again, so version
    ranking and checks see what a full build sees; the record's old staged row is
    deleted first, so a record whose newest version is now rejected disappears as it
    would in a full build.

    Mechanics (per model): the pre-hook staging_incremental_prepare computes the
    affected keys once, into <model>__affected beside the model, and deletes their
    staged rows; the model reads only the raw rows of those keys
    (staging_incremental_filter) and dbt inserts them (delete+insert on the key); the
    post-hook staging_incremental_finish records the new watermark and drops the key
    table. All of it runs in the model's transaction: a killed build leaves the last
    committed state. `--full-refresh` (crm refresh --full) re-stages everything.
    DuckDB and Postgres. On Spark these models are plain tables, rebuilt whole on
    every run (staging_incremental_materialized): without Delta (no jars can be
    fetched here) Spark has no DELETE, so the affected keys' old rows cannot be
    removed, and its insert_overwrite replaces whole partitions, while an affected
    record may sit in any partition (a restated order of any date, a return whose
    sale arrived). The watermark table and its hooks are skipped there. -#}

{#- The models' materialization: incremental, except on Spark (see above). -#}
{% macro staging_incremental_materialized() -%}
    {{ return(adapter.dispatch('staging_incremental_materialized', 'crm_warehouse')()) }}
{%- endmacro %}

{% macro default__staging_incremental_materialized() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro spark__staging_incremental_materialized() -%}
    {{ return('table') }}
{%- endmacro %}

{#- The watermark table: one row per incremental staging model. Created by
    on-run-start. -#}
{% macro staging_watermarks_ddl() -%}
    {{ return(adapter.dispatch('staging_watermarks_ddl', 'crm_warehouse')()) }}
{%- endmacro %}

{% macro spark__staging_watermarks_ddl() -%}
{%- endmacro %}

{% macro default__staging_watermarks_ddl() -%}
    create schema if not exists {{ staging_watermarks_schema() }};
    create table if not exists {{ staging_watermarks_relation() }} (
        model_name varchar,
        max_file_id bigint,
        max_business_date date,
        invocation_id varchar,
        built_at timestamp
    )
{%- endmacro %}

{% macro staging_watermarks_schema() -%}
    {{ generate_schema_name('audit', none) | trim }}
{%- endmacro %}

{% macro staging_watermarks_relation() -%}
    {{ staging_watermarks_schema() }}.staging_watermarks
{%- endmacro %}

{% macro staging_affected_relation() -%}
    {{ this.schema }}.{{ this.identifier }}__affected
{%- endmacro %}

{#- The SQL of the affected keys (_key_1, ..., one per spec.key_columns). -#}
{% macro staging_affected_keys_sql(spec, date_column) -%}
    {%- set watermark -%}
        (select max(max_file_id) from {{ staging_watermarks_relation() }} where model_name = '{{ this.identifier }}')
    {%- endset -%}
    {%- set latest_date -%}
        (select max(max_business_date) from {{ staging_watermarks_relation() }} where model_name = '{{ this.identifier }}')
    {%- endset -%}
    select
        {%- for key in spec.key %}
        {{ key }} as _key_{{ loop.index }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ spec.relation }}
    where _file_id > coalesce({{ watermark }}, -1)
    {%- if date_column %}
    union
    select
        {%- for column in spec.key_columns %}
        {{ column }} as _key_{{ loop.index }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ this }}
    where {{ date_column }} >= {{ dbt.dateadd('day', -1 * var('staging_lookback_days'), latest_date) }}
    {%- endif %}
{%- endmacro %}

{#- Pre-hook: the affected keys into <model>__affected (then the keys depending on
    them, `dependent_keys`, SQL that may read that table), and their staged rows
    deleted. -#}
{% macro staging_incremental_prepare(spec, date_column, dependent_keys=none) -%}
    {%- if is_incremental() %}
    create or replace table {{ staging_affected_relation() }} as
    {{ staging_affected_keys_sql(spec, date_column) }};
    {%- if dependent_keys %}
    insert into {{ staging_affected_relation() }}
    {{ dependent_keys }}
    except
    select * from {{ staging_affected_relation() }};
    {%- endif %}
    delete from {{ this }} as staged
    where exists (
        select 1
        from {{ staging_affected_relation() }} as affected
        where
            {%- for column in spec.key_columns %}
            affected._key_{{ loop.index }} = staged.{{ column }}{{ ' and' if not loop.last }}
            {%- endfor %}
    )
    {%- else %}
    select 1
    {%- endif %}
{%- endmacro %}

{#- In the model's source CTE: only the rows of affected keys (incremental runs).
    `keys` are the expressions holding the key parts: by default the spec's raw key
    expressions (spec.key, a model reading raw); spec.key_columns for a model reading
    a typed staging table (the mall models reading base_mall__orders). -#}
{% macro staging_incremental_filter(spec, keys=none) -%}
    {%- if is_incremental() %}
    where exists (
        select 1
        from {{ staging_affected_relation() }} as affected
        where
            {%- for key in (keys if keys is not none else spec.key) %}
            affected._key_{{ loop.index }} = {{ key }}{{ ' and' if not loop.last }}
            {%- endfor %}
    )
    {%- endif %}
{%- endmacro %}

{#- Post-hook: the watermark of this build (every raw file seen, the latest business
    date staged), and the key table dropped. -#}
{% macro staging_incremental_finish(spec, date_column) -%}
    {{ return(adapter.dispatch('staging_incremental_finish', 'crm_warehouse')(spec, date_column)) }}
{%- endmacro %}

{% macro spark__staging_incremental_finish(spec, date_column) -%}
{%- endmacro %}

{% macro default__staging_incremental_finish(spec, date_column) -%}
    delete from {{ staging_watermarks_relation() }} where model_name = '{{ this.identifier }}';
    insert into {{ staging_watermarks_relation() }}
    select
        '{{ this.identifier }}',
        (select max(_file_id) from {{ spec.relation }}),
        {% if date_column %}(select max({{ date_column }}) from {{ this }}){% else %}cast(null as date){% endif %},
        '{{ invocation_id }}',
        {{ dbt.current_timestamp() }};
    drop table if exists {{ staging_affected_relation() }}
{%- endmacro %}


{#- stg_pos__orders: a return's is_original_order_found depends on its sale, so a
    return whose sale is re-staged is re-staged too. -#}
{% macro stg_pos__orders_dependent_keys() -%}
    select order_id as _key_1
    from {{ this }}
    where
        is_return
        and original_order_id in (select affected._key_1 from {{ staging_affected_relation() }} as affected)
{%- endmacro %}


{#- The config of an incremental staging model: delete+insert on the spec's key
    columns (a plain table on Spark: staging_incremental_materialized), the affected
    keys prepared in a pre-hook and the watermark recorded in a post-hook. `spec_macro` names the spec macro of the keys
    (e.g. 'staging_spec_pos__orders'; the hooks are rendered at run time, when
    is_incremental() is known), `date_column` the lookback's business date column or
    none, `dependent_keys_macro` a macro of dependent keys or none. -#}
{% macro staging_incremental_config(spec_macro, date_column=none, dependent_keys_macro=none) -%}
    {%- set hook_args = spec_macro ~ "(), " ~ ("'" ~ date_column ~ "'" if date_column else "none") -%}
    {%- set dependent_arg = ", " ~ dependent_keys_macro ~ "()" if dependent_keys_macro else "" -%}
    {{ config(
        materialized=staging_incremental_materialized(),
        unique_key=context[spec_macro]().key_columns,
        incremental_strategy="delete+insert",
        on_schema_change="fail",
        pre_hook="{{ staging_incremental_prepare(" ~ hook_args ~ dependent_arg ~ ") }}",
        post_hook="{{ staging_incremental_finish(" ~ hook_args ~ ") }}",
    ) }}
{%- endmacro %}
