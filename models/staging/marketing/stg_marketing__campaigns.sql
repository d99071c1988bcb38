-- Value checks: macros/staging/checks/marketing.sql (staging_spec_marketing__campaigns);
-- every failed check is listed in audit.staging_rejections.
{%- set spec = staging_spec_marketing__campaigns() %}

with

source as (
    select * from {{ source('marketing', 'campaigns') }}
),

parsed as (
    select
        *,
        {{ staging_parsed_columns(spec) }}
    from source
),

typed as (
    select
        {{ clean_text('campaign_id') }} as campaign_id,
        {{ clean_text('campaign_name') }} as campaign_name,
        {{ clean_code('channel') }} as channel,
        {{ clean_code('objective') }} as objective,
        {{ staging_value(spec, 'campaign_cost') }} as campaign_cost,
        {{ staging_value(spec, 'start_at') }} as start_at,
        {{ staging_value(spec, 'end_at') }} as end_at,
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
        campaign_id,
        campaign_name,
        channel,
        objective,
        campaign_cost,
        {{ utc_to_business_date('start_at') }} as start_date,
        {{ utc_to_business_date('end_at') }} as end_date,
        start_at,
        end_at,
        {{ lineage_columns() }}
    from ranked
    where {{ staging_is_kept(spec) }}
)

select * from final
