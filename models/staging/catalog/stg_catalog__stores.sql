-- Value checks: macros/staging/checks/catalog.sql (staging_spec_catalog__stores);
-- every failed check is listed in audit.staging_rejections.
{%- set spec = staging_spec_catalog__stores() %}

with

source as (
    select * from {{ source('catalog', 'stores') }}
),

parsed as (
    select
        *,
        {{ staging_parsed_columns(spec) }}
    from source
),

typed as (
    select
        {{ clean_text('store_id') }} as store_id,
        {{ clean_text('store_name') }} as store_name,
        {{ clean_text('province') }} as province,
        {{ clean_text('city') }} as city,
        {{ clean_code('region') }} as region,
        {{ clean_code('store_type') }} as store_type,
        {{ staging_value(spec, 'opened_date') }} as opened_date,
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
        store_id,
        store_name,
        province,
        city,
        region,
        store_type,
        opened_date,
        {{ lineage_columns() }}
    from ranked
    where {{ staging_is_kept(spec) }}
)

select * from final
