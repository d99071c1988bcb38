-- Value checks: macros/staging/checks/mall.sql (staging_spec_mall__users); every
-- failed check is listed in audit.staging_rejections.
{%- set spec = staging_spec_mall__users() %}

with

source as (
    select * from {{ source('mall', 'users') }}
),

parsed as (
    select
        *,
        {{ staging_parsed_columns(spec) }}
    from source
),

typed as (
    select
        {{ staging_value(spec, 'openid') }} as openid,
        {{ normalize_identifier('unionid') }} as unionid,
        {{ clean_text('nickname') }} as nickname,
        {{ normalize_mobile('mobile') }} as mobile,
        {{ mobile_quality('mobile') }} as mobile_quality,
        {{ staging_value(spec, 'email') }} as email,
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
        openid,
        unionid,
        nickname,
        mobile,
        mobile_quality,
        email,
        {{ utc_to_business_date('registered_at') }} as registered_date,
        registered_at,
        updated_at,
        {{ lineage_columns() }}
    from ranked
    where {{ staging_is_kept(spec) }}
)

select * from final
