-- Value checks: macros/staging/checks/wecom.sql (staging_spec_wecom__group_events);
-- every failed check is listed in audit.staging_rejections.
{%- set spec = staging_spec_wecom__group_events() %}
{{ config(
    materialized=staging_incremental_materialized(),
    unique_key=spec.key_columns,
    incremental_strategy="delete+insert",
    on_schema_change="fail",
    pre_hook="{{ staging_incremental_prepare(staging_spec_wecom__group_events(), 'occurred_date') }}",
    post_hook="{{ staging_incremental_finish(staging_spec_wecom__group_events(), 'occurred_date') }}",
) }}

with

source as (
    select * from {{ source('wecom', 'group_events') }}
    {{- staging_incremental_filter(spec) }}
),

parsed as (
    select
        *,
        {{ staging_parsed_columns(spec) }}
    from source
),

typed as (
    select
        {{ clean_text('event_id') }} as event_id,
        {{ normalize_identifier('external_userid') }} as external_userid,
        {{ clean_text('group_chat_id') }} as group_chat_id,
        {{ clean_code('event_type') }} as event_type,
        payload as payload_json,
        {{ staging_value(spec, 'occurred_at') }} as occurred_at,
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
        event_id,
        external_userid,
        group_chat_id,
        event_type,
        payload_json,
        {{ utc_to_business_date('occurred_at') }} as occurred_date,
        occurred_at,
        {{ lineage_columns() }}
    from ranked
    where {{ staging_is_kept(spec) }}
)

select * from final
