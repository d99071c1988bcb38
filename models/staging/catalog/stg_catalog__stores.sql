with

source as (
    select * from {{ source('catalog', 'stores') }}
),

typed as (
    select
        {{ clean_text('store_id') }} as store_id,
        {{ clean_text('store_name') }} as store_name,
        {{ clean_text('province') }} as province,
        {{ clean_text('city') }} as city,
        {{ clean_code('region') }} as region,
        {{ clean_code('store_type') }} as store_type,
        {{ parse_local_date('opened_at') }} as opened_date,
        {{ lineage_columns() }}
    from source
),

ranked as (
    select
        *,
        {{ version_rank('store_id') }} as version_rank
    from typed
),

final as (
    select
        store_id,
        store_name,
        province,
        city,
        region,
        store_type,
        opened_date,
        {{ lineage_columns() }}
    from ranked
    where version_rank = 1
)

select * from final
