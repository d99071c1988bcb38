{#- Consent per customer and contact channel as of D (domain.md, Contact policy;
    contract: the latest record for an identifier and channel stands). One row per
    customer and channel of var contact_channels that has at least one consent record
    on one of the customer's identifiers (mobile, unionid, email; records on
    identifiers no customer holds are not anyone's consent). For each identifier, the
    latest record on that channel or on "all" stands (at the same instant a withdrawal
    beats a grant); across a customer's identifiers a withdrawal wins. A channel
    without any record has no row: no consent. -#}

with stg_privacy__consents as (
    select * from {{ ref('stg_privacy__consents') }}
),

customer_identity_map as (
    select * from {{ ref('customer_identity_map') }}
),

contact_channels as (
    {%- for channel in var('contact_channels') %}
        select '{{ channel }}' as channel
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

consents_of_customers as (
    select
        customer_identity_map.customer_id,
        consents.identifier_type,
        consents.identifier_value,
        consents.channel as recorded_channel,
        consents.is_granted,
        consents.recorded_at
    from stg_privacy__consents as consents
    inner join customer_identity_map
        on
            consents.identifier_type = customer_identity_map.identifier_type
            and consents.identifier_value = customer_identity_map.identifier_value
    where
        consents.is_identifier_valid
        and consents.recorded_date <= {{ as_of_date() }}
),

applicable as (
    select
        consents_of_customers.customer_id,
        consents_of_customers.identifier_type,
        consents_of_customers.identifier_value,
        contact_channels.channel,
        consents_of_customers.recorded_channel,
        consents_of_customers.is_granted,
        consents_of_customers.recorded_at
    from consents_of_customers
    inner join contact_channels
        on
            consents_of_customers.recorded_channel = contact_channels.channel
            or consents_of_customers.recorded_channel = 'all'
),

latest_per_identifier as (
    select
        *,
        -- tie-break: recorded_at, is_granted, recorded_channel unique per identifier_type,
        -- identifier_value, channel (with the identifier they are the parts of the
        -- staged key consent_record_id; the channel join adds one row per record)
        row_number() over (
            partition by customer_id, identifier_type, identifier_value, channel
            order by recorded_at desc, is_granted asc, recorded_channel asc
        ) as recency_rank
    from applicable
),

final as (
    select
        customer_id,
        channel,
        count(*) as identifiers_with_record,
        min(case when is_granted then 1 else 0 end) = 1 as is_granted,
        max(recorded_at) as latest_recorded_at
    from latest_per_identifier
    where recency_rank = 1
    group by 1, 2
)

select * from final
