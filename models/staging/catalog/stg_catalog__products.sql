with

source as (
    select * from {{ source('catalog', 'products') }}
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
        {{ parse_yuan('list_price') }} as list_price,
        {{ parse_local_date('launched_at') }} as launched_date,
        {{ lineage_columns() }}
    from source
),

ranked as (
    select
        *,
        {{ version_rank('sku') }} as version_rank
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
    where version_rank = 1
)

select * from final
