with

source as (
    select * from {{ source('privacy', 'erasure_requests') }}
),

typed as (
    select
        {{ clean_text('request_id') }} as request_id,
        {{ clean_code('identifier_type') }} as identifier_type,
        {{ normalize_typed_identifier('identifier_type', 'identifier_value') }} as identifier_value,
        {{ local_text_to_utc('requested_at') }} as requested_at,
        {{ lineage_columns() }}
    from source
),

ranked as (
    select
        *,
        {{ version_rank('request_id') }} as version_rank
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
    where version_rank = 1
)

select * from final
