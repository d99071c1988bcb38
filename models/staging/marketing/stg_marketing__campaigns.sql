with

source as (
    select * from {{ source('marketing', 'campaigns') }}
),

typed as (
    select
        {{ clean_text('campaign_id') }} as campaign_id,
        {{ clean_text('campaign_name') }} as campaign_name,
        {{ clean_code('channel') }} as channel,
        {{ clean_code('objective') }} as objective,
        {{ parse_yuan('cost') }} as campaign_cost,
        {{ local_text_to_utc('start_at') }} as start_at,
        {{ local_text_to_utc('end_at') }} as end_at,
        {{ lineage_columns() }}
    from source
),

ranked as (
    select
        *,
        {{ version_rank('campaign_id') }} as version_rank
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
    where version_rank = 1
)

select * from final
