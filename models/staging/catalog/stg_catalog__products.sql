-- Value checks: macros/staging/checks/catalog.sql (staging_spec_catalog__products);
-- every failed check is listed in audit.staging_rejections.
{%- set spec = staging_spec_catalog__products() %}

with

source as (
    select * from {{ source('catalog', 'products') }}
),

parsed as (
    select
        *,
        {{ staging_parsed_columns(spec) }}
    from source
),

typed as (
    select
        {{ clean_text('sku') }} as sku,
        {{ clean_text('product_name') }} as product_name,
        {{ clean_text('category_l1') }} as category_l1,
        {{ clean_text('category_l2') }} as category_l2,
        {{ clean_text('brand') }} as brand,
        {{ clean_text('size') }} as product_size,
        {{ clean_code('age_stage') }} as age_stage,
        {{ staging_value(spec, 'list_price') }} as list_price,
        {{ staging_value(spec, 'launched_date') }} as launched_date,
        {{ staging_check_columns(spec) }},
        {{ lineage_columns() }}
    from parsed
),

ranked as (
    select
        *,
        {{ staging_version_rank(spec) }} as _version_rank
    from typed
),

final as (
    select
        sku,
        product_name,
        category_l1,
        category_l2,
        brand,
        product_size,
        age_stage,
        list_price,
        launched_date,
        {{ lineage_columns() }}
    from ranked
    where {{ staging_is_kept(spec) }}
)

select * from final
