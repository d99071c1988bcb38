-- Every consent record (grants and withdrawals), deduplicated. Which record stands
-- for a person and channel (the latest) is decided downstream, not here.
with

source as (
    select * from {{ source('privacy', 'consents') }}
),

typed as (
    select
        {{ clean_code('identifier_type') }} as identifier_type,
        {{ normalize_typed_identifier('identifier_type', 'identifier_value') }} as identifier_value,
        {{ clean_code('channel') }} as channel,
        {{ clean_code('status') }} as consent_status,
        {{ local_text_to_utc('recorded_at') }} as recorded_at,
        {{ lineage_columns() }}
    from source
),

keyed as (
    select
        *,
        {{ dbt.hash(dbt.concat([
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
        {{ version_rank('consent_record_id') }} as version_rank
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
    where version_rank = 1
)

select * from final
