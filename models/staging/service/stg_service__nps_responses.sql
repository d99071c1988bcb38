-- Value checks: macros/staging/checks/service.sql (staging_spec_service__nps_responses);
-- every failed check is listed in audit.staging_rejections.
{%- set spec = staging_spec_service__nps_responses() %}

with

source as (
    select * from {{ source('service', 'nps_responses') }}
),

parsed as (
    select
        *,
        {{ staging_parsed_columns(spec) }}
    from source
),

typed as (
    select
        {{ clean_text('response_id') }} as response_id,
        {{ normalize_mobile('mobile') }} as mobile,
        {{ mobile_quality('mobile') }} as mobile_quality,
        {{ normalize_identifier('unionid') }} as unionid,
        {{ clean_code('touchpoint') }} as touchpoint,
        {{ staging_value(spec, 'score') }} as score,
        {{ staging_value(spec, 'responded_at') }} as responded_at,
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
        response_id,
        mobile,
        mobile_quality,
        unionid,
        touchpoint,
        score,
        (score is not null) as is_score_valid,
        {{ utc_to_business_date('responded_at') }} as responded_date,
        responded_at,
        {{ lineage_columns() }}
    from ranked
    where {{ staging_is_kept(spec) }}
)

select * from final
