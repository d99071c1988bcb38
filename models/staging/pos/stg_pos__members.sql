-- Value checks: macros/staging/checks/pos.sql (staging_spec_pos__members); every
-- failed check is listed in audit.staging_rejections.
{%- set spec = staging_spec_pos__members() %}

with

source as (
    select * from {{ source('pos', 'members') }}
),

parsed as (
    select
        *,
        {{ staging_parsed_columns(spec) }}
    from source
),

typed as (
    select
        {{ clean_text('member_card_no') }} as member_card_no,
        {{ clean_text('home_store_id') }} as home_store_id,
        {{ clean_text('name') }} as member_name,
        {{ normalize_mobile('mobile') }} as mobile,
        {{ mobile_quality('mobile') }} as mobile_quality,
        {{ staging_value(spec, 'gender') }} as gender,
        {{ staging_value(spec, 'birth_date') }} as birth_date,
        {{ staging_value(spec, 'baby_birth_date') }} as baby_birth_date,
        {{ staging_value(spec, 'registered_at') }} as registered_at,
        {{ staging_value(spec, 'updated_at') }} as updated_at,
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
        member_card_no,
        home_store_id,
        member_name,
        mobile,
        mobile_quality,
        gender,
        birth_date,
        baby_birth_date,
        {{ utc_to_business_date('registered_at') }} as registered_date,
        registered_at,
        updated_at,
        {{ lineage_columns() }}
    from ranked
    where {{ staging_is_kept(spec) }}
)

select * from final
