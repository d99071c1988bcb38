{#- No exported audience row reaches a person who withdrew consent on the export's
    channel or was erased. Recomputed here from the staged consent records, not from
    the contact list: for each identifier of the customer, the latest record (on or
    before D) applying to the channel (the channel itself or "all") is a withdrawal. -#}

with audience_export as (
    select * from {{ ref('audience_export') }}
),

customer_identity_map as (
    select * from {{ ref('customer_identity_map') }}
),

stg_privacy__consents as (
    select * from {{ ref('stg_privacy__consents') }}
),

stg_privacy__erasure_requests as (
    select * from {{ ref('stg_privacy__erasure_requests') }}
),

exported_identifiers as (
    select
        audience_export.audience_code,
        audience_export.customer_id,
        audience_export.channel,
        customer_identity_map.identifier_type,
        customer_identity_map.identifier_value
    from audience_export
    inner join customer_identity_map
        on audience_export.customer_id = customer_identity_map.customer_id
),

applicable_records as (
    select
        exported_identifiers.audience_code,
        exported_identifiers.customer_id,
        exported_identifiers.channel,
        exported_identifiers.identifier_value,
        consents.is_granted,
        row_number() over (
            partition by
                exported_identifiers.audience_code,
                exported_identifiers.customer_id,
                exported_identifiers.identifier_type,
                exported_identifiers.identifier_value
            order by consents.recorded_at desc, consents.is_granted asc
        ) as recency_rank
    from exported_identifiers
    inner join stg_privacy__consents as consents
        on
            exported_identifiers.identifier_type = consents.identifier_type
            and exported_identifiers.identifier_value = consents.identifier_value
            and (exported_identifiers.channel = consents.channel or consents.channel = 'all')
    where consents.recorded_date <= {{ as_of_date() }}
),

withdrawn as (
    select
        audience_code,
        customer_id,
        'consent withdrawn on ' || channel as problem
    from applicable_records
    where
        recency_rank = 1
        and not is_granted
),

erased as (
    select
        exported_identifiers.audience_code,
        exported_identifiers.customer_id,
        'erasure requested' as problem
    from exported_identifiers
    inner join stg_privacy__erasure_requests as requests
        on
            exported_identifiers.identifier_type = requests.identifier_type
            and exported_identifiers.identifier_value = requests.identifier_value
    where requests.requested_date <= {{ as_of_date() }}
)

select * from withdrawn
union all
select * from erased
