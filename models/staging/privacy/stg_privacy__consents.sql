-- Every consent record (grants and withdrawals), deduplicated. Which record stands
-- for a person and channel (the latest) is decided downstream, not here.
-- Value checks: macros/staging/checks/privacy.sql (staging_spec_privacy__consents,
-- whose key is the parts hashed into consent_record_id); every failed check is listed
-- in audit.staging_rejections. The parts hold a phone, email or unionid, so
-- consent_record_id is a keyed hash (staging_pii_key).
{%- set spec = staging_spec_privacy__consents() %}

with

source as (
    select * from {{ source('privacy', 'consents') }}
),

parsed as (
    select
        *,
        {{ staging_parsed_columns(spec) }}
    from source
),

typed as (
    select
        {{ clean_code('identifier_type') }} as identifier_type,
        {{ normalize_typed_identifier('identifier_type', 'identifier_value') }} as identifier_value,
        {{ clean_code('channel') }} as channel,
        {{ staging_value(spec, 'consent_status') }} as consent_status,
        {{ staging_value(spec, 'recorded_at') }} as recorded_at,
        {{ staging_check_columns(spec) }},
        {{ lineage_columns() }}
    from parsed
),

keyed as (
    select
        *,
        {{ staging_pii_key(dbt.concat([
            "coalesce(identifier_type, '')", "'|'",
            "coalesce(identifier_value, '')", "'|'",
            "coalesce(channel, '')", "'|'",
            "coalesce(" ~ dbt.safe_cast('recorded_at', dbt.type_string()) ~ ", '')",
            "'|'", "coalesce(consent_status, '')",
        ])) }} as consent_record_id
    from typed
),

ranked as (
    select
        *,
        {{ staging_version_rank(spec) }} as _version_rank
    from keyed
),

final as (
    select
        consent_record_id,
        identifier_type,
        identifier_value,
        channel,
        consent_status,
        coalesce(consent_status = 'granted', false) as is_granted,
        (identifier_value is not null) as is_identifier_valid,
        {{ utc_to_business_date('recorded_at') }} as recorded_date,
        recorded_at,
        {{ lineage_columns() }}
    from ranked
    where {{ staging_is_kept(spec) }}
)

select * from final
