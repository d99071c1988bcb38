with

source as (
    select * from {{ source('wecom', 'group_events') }}
),

typed as (
    select
        {{ clean_text('event_id') }} as event_id,
        {{ normalize_identifier('external_userid') }} as external_userid,
        {{ clean_text('group_chat_id') }} as group_chat_id,
        {{ clean_code('event_type') }} as event_type,
        payload as payload_json,
        {{ epoch_seconds_to_utc('occurred_at') }} as occurred_at,
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
        external_userid,
        group_chat_id,
        event_type,
        payload_json,
        {{ utc_to_business_date('occurred_at') }} as occurred_date,
        occurred_at,
        {{ lineage_columns() }}
    from ranked
    where version_rank = 1
)

select * from final
