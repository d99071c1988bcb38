with

source as (
    select * from {{ source('mall', 'behavior_events') }}
),

typed as (
    select
        {{ clean_text('event_id') }} as event_id,
        {{ normalize_identifier('openid') }} as openid,
        {{ normalize_identifier('unionid') }} as unionid,
        {{ clean_code('event_type') }} as event_type,
        {{ clean_text('sku') }} as sku,
        {{ clean_text('query') }} as search_query,
        {{ epoch_millis_to_utc('occurred_at') }} as occurred_at,
        {{ lineage_columns() }}
    from source
),

ranked as (
    select
        *,
        {{ version_rank('event_id') }} as version_rank
    from typed
),

final as (
    select
        event_id,
        openid,
        unionid,
        event_type,
        sku,
        search_query,
        {{ utc_to_business_date('occurred_at') }} as occurred_date,
        occurred_at,
        {{ lineage_columns() }}
    from ranked
    where version_rank = 1
)

select * from final
