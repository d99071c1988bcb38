-- Value checks: macros/staging/checks/mall.sql (staging_spec_mall__behavior_events);
-- every failed check is listed in audit.staging_rejections.
{%- set spec = staging_spec_mall__behavior_events() %}
{{ config(
    materialized=staging_incremental_materialized(),
    unique_key=spec.key_columns,
    incremental_strategy="delete+insert",
    on_schema_change="fail",
    pre_hook="{{ staging_incremental_prepare(staging_spec_mall__behavior_events(), 'occurred_date') }}",
    post_hook="{{ staging_incremental_finish(staging_spec_mall__behavior_events(), 'occurred_date') }}",
) }}

with

source as (
    select * from {{ source('mall', 'behavior_events') }}
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
        {{ normalize_identifier('openid') }} as openid,
        {{ normalize_identifier('unionid') }} as unionid,
        {{ clean_code('event_type') }} as event_type,
        {{ clean_text('sku') }} as sku,
        {{ clean_text('query') }} as search_query,
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
        openid,
        unionid,
        event_type,
        sku,
        search_query,
        {{ utc_to_business_date('occurred_at') }} as occurred_date,
        occurred_at,
        {{ lineage_columns() }}
    from ranked
    where {{ staging_is_kept(spec) }}
)

select * from final
