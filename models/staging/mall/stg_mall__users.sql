with

source as (
    select * from {{ source('mall', 'users') }}
),

typed as (
    select
        {{ normalize_identifier('openid') }} as openid,
        {{ normalize_identifier('unionid') }} as unionid,
        {{ clean_text('nickname') }} as nickname,
        {{ normalize_mobile('mobile') }} as mobile,
        {{ mobile_quality('mobile') }} as mobile_quality,
        {{ normalize_email('email') }} as email,
        {{ iso8601_to_utc('registered_at') }} as registered_at,
        {{ iso8601_to_utc('updated_at') }} as updated_at,
        {{ lineage_columns() }}
    from source
),

ranked as (
    select
        *,
        {{ version_rank('openid', 'updated_at') }} as version_rank
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
    where version_rank = 1
)

select * from final
