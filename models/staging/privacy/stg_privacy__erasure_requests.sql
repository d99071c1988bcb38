-- Value checks: macros/staging/checks/privacy.sql
-- (staging_spec_privacy__erasure_requests; none rejects a request); every failed check
-- is listed in audit.staging_rejections.
{%- set spec = staging_spec_privacy__erasure_requests() %}

with

source as (
    select * from {{ source('privacy', 'erasure_requests') }}
),

parsed as (
    select
        *,
        {{ staging_parsed_columns(spec) }}
    from source
),

typed as (
    select
        {{ clean_text('request_id') }} as request_id,
        {{ clean_code('identifier_type') }} as identifier_type,
        {{ normalize_typed_identifier('identifier_type', 'identifier_value') }} as identifier_value,
        {{ staging_value(spec, 'requested_at') }} as requested_at,
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
        request_id,
        identifier_type,
        identifier_value,
        (identifier_value is not null) as is_identifier_valid,
        {{ utc_to_business_date('requested_at') }} as requested_date,
        requested_at,
        {{ lineage_columns() }}
    from ranked
    where {{ staging_is_kept(spec) }}
)

select * from final
