-- Every failed value check of every staging model, one row per raw row (or nested
-- element) and failed check, plus the data-quality flags that need a second model
-- (SKUs missing from the catalogue, POS lines without their order header).
--
-- The checks are the ones the staging models apply (macros/staging/checks/, one spec
-- per export), evaluated on the same raw rows: a `rejected` row here is exactly a row
-- its staging model left out, a `flagged` one was kept (its value nulled or kept as
-- exported, see staging_action).
--
-- It lives under models/staging because it reads raw through source() (only staging
-- does) and must build whenever staging does (`dbt build --select staging`); its
-- schema is audit.
{{ config(schema='audit') }}
{%- set specs = staging_specs() %}
{%- set ns = namespace(max_checks=0) %}
{%- for spec in specs %}
    {%- if spec.checks | length > ns.max_checks %}{% set ns.max_checks = spec.checks | length %}{% endif %}
{%- endfor %}

with

check_numbers as (
    {%- for n in range(1, ns.max_checks + 1) %}
        select {{ n }} as check_no
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),
{% for spec in specs %}
    {{ staging_failure_ctes(spec) }},
{% endfor %}

pos_order_items as (
    select * from {{ ref('stg_pos__order_items') }}
),

mall_order_items as (
    select * from {{ ref('stg_mall__order_items') }}
),

products as (
    select * from {{ ref('stg_catalog__products') }}
),

pos_orders as (
    select * from {{ ref('stg_pos__orders') }}
),

staged_order_items as (
    select
        'stg_pos__order_items' as model_name,
        order_id,
        line_no,
        sku,
        _source_file,
        _source_line,
        _file_id
    from pos_order_items
    union all
    select
        'stg_mall__order_items' as model_name,
        order_id,
        line_no,
        sku,
        _source_file,
        _source_line,
        _file_id
    from mall_order_items
),

unknown_skus as (
    select
        staged_order_items.model_name,
        {{ dbt.concat(['staged_order_items.order_id', "'|'", dbt.safe_cast('staged_order_items.line_no', dbt.type_string())]) }} as record_key,
        'sku' as column_name,
        case
            when staged_order_items.model_name = 'stg_pos__order_items' then 'sku'
            else 'items[].sku'
        end as source_column,
        staged_order_items.sku as raw_value,
        'not_in_catalog' as issue,
        {{ dbt.concat([
            "'sku is not in the product catalogue (stg_catalog__products): the line has no category, brand or size downstream; add the product to catalog/products or correct the sku. The row is kept in '",
            'staged_order_items.model_name',
            "' as exported.'",
        ]) }} as reason,
        'flagged' as severity,
        'keep' as staging_action,
        true as is_latest_version,
        staged_order_items._source_file as source_file,
        staged_order_items._source_line as source_line,
        staged_order_items._file_id as file_id
    from staged_order_items
    left join products
        on staged_order_items.sku = products.sku
    where
        staged_order_items.sku is not null
        and products.sku is null
),

orphan_pos_lines as (
    select
        'stg_pos__order_items' as model_name,
        {{ dbt.concat(['pos_order_items.order_id', "'|'", dbt.safe_cast('pos_order_items.line_no', dbt.type_string())]) }} as record_key,
        'order_id' as column_name,
        'order_no' as source_column,
        pos_order_items.order_id as raw_value,
        'order_missing' as issue,
        'no order with this order_no is in stg_pos__orders (its header has not arrived, or it was rejected: see the rows of stg_pos__orders here): the line joins no order until the header is exported. The row is kept in stg_pos__order_items as exported.' as reason,
        'flagged' as severity,
        'keep' as staging_action,
        true as is_latest_version,
        pos_order_items._source_file as source_file,
        pos_order_items._source_line as source_line,
        pos_order_items._file_id as file_id
    from pos_order_items
    left join pos_orders
        on pos_order_items.order_id = pos_orders.order_id
    where pos_orders.order_id is null
),

unioned as (
    {%- for spec in specs %}
        select * from {{ spec.name }}__failures
        union all
    {%- endfor %}
    select * from unknown_skus
    union all
    select * from orphan_pos_lines
),

final as (
    select
        {{ dbt.hash(dbt.concat([
            'model_name', "'|'", dbt.safe_cast('file_id', dbt.type_string()), "'|'",
            dbt.safe_cast('source_line', dbt.type_string()), "'|'", 'record_key', "'|'",
            'column_name', "'|'", 'issue',
        ])) }} as staging_rejection_id,
        model_name,
        record_key,
        column_name,
        source_column,
        raw_value,
        issue,
        reason,
        severity,
        staging_action,
        is_latest_version,
        source_file,
        source_line,
        file_id
    from unioned
)

select * from final
