with

source as (
    select * from {{ source('service', 'nps_responses') }}
),

typed as (
    select
        {{ clean_text('response_id') }} as response_id,
        {{ normalize_mobile('mobile') }} as mobile,
        {{ mobile_quality('mobile') }} as mobile_quality,
        {{ normalize_identifier('unionid') }} as unionid,
        {{ clean_code('touchpoint') }} as touchpoint,
        {{ dbt.safe_cast(clean_text('score'), dbt.type_int()) }} as raw_score,
        {{ local_text_to_utc('responded_at') }} as responded_at,
        {{ lineage_columns() }}
    from source
),

ranked as (
    select
        *,
        {{ version_rank('response_id') }} as version_rank
    from typed
),

final as (
    select
        response_id,
        mobile,
        mobile_quality,
        unionid,
        touchpoint,
        case when raw_score between 0 and 10 then raw_score end as score,
        coalesce(raw_score between 0 and 10, false) as is_score_valid,
        {{ utc_to_business_date('responded_at') }} as responded_date,
        responded_at,
        {{ lineage_columns() }}
    from ranked
    where version_rank = 1
)

select * from final
