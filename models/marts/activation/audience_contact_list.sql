{#- Whether each customer may be contacted on each channel today (可触达名单), as of D:
    one row per customer of dim_customers and channel of var contact_channels (sms,
    wecom, email, mall_push). The checks, in this order, give the first reason a
    contact is not allowed:
    1. erased: an erasure request on one of the customer's identifiers on or before D,
       or identifiers already replaced by the erasure step's tombstones;
    2. no_address: nothing to send to on the channel (sms: a valid mobile; email: an
       email; wecom: a WeCom contact with a guide not deleted; mall_push: a mall
       account);
    3. consent_withdrawn: the customer's consent for the channel is withdrawn
       (int_customer_consents_resolved: the latest record per identifier on the
       channel or on "all", a withdrawal on any identifier wins);
    4. no_consent: no consent record at all, only when var
       contact_requires_granted_consent is true (default false: domain.md blocks on a
       withdrawal only);
    5. frequency_cap: var contact_max_sends_per_7_days sends on the channel already in
       (D-7, D];
    6. lifecycle_policy: the lifecycle stage's contact policy does not allow regular
       contact (sleeping: limited win-back; lost: major sales only).
    may_contact is regular contact; may_contact_winback and may_contact_major_sale apply
    checks 1-5 and the policy's allowance for a win-back campaign or a major sales
    event (seed lifecycle_contact_policy), for audiences of that purpose.
    may_use_sensitive_tags says whether the customer's consent covers sensitive tags
    (var tag_sensitive_consent_channels; default never). -#}
{%- set as_of = as_of_date() %}

with dim_customers as (
    select * from {{ ref('dim_customers') }}
),

customer_features as (
    select * from {{ ref('customer_features') }}
),

customer_lifecycle as (
    select * from {{ ref('customer_lifecycle') }}
    where window_months = {{ var('lifecycle_default_window') }}
),

int_customer_consents_resolved as (
    select * from {{ ref('int_customer_consents_resolved') }}
),

customer_identity_map as (
    select * from {{ ref('customer_identity_map') }}
),

stg_privacy__erasure_requests as (
    select * from {{ ref('stg_privacy__erasure_requests') }}
),

stg_marketing__campaign_sends as (
    select * from {{ ref('stg_marketing__campaign_sends') }}
),

stg_marketing__campaigns as (
    select * from {{ ref('stg_marketing__campaigns') }}
),

contact_channels as (
    {%- for channel in var('contact_channels') %}
        select
            '{{ channel }}' as channel,
            {{ var('contact_max_sends_per_7_days')[channel] }} as max_sends_per_7_days
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

{# Erased: a pending request names one of the customer's identifiers, or the erasure
   step (crm_warehouse/erasure.py) has already replaced their identifiers by tombstones
   ("erased-..."): a de-identified customer is never contactable. Only their own
   identifiers count: a tombstone placed as a weak link (a phone someone typed on
   another person's order) was someone else's number. #}
requested_erasures as (
    select customer_identity_map.customer_id
    from stg_privacy__erasure_requests as requests
    inner join customer_identity_map
        on
            requests.identifier_type = customer_identity_map.identifier_type
            and requests.identifier_value = customer_identity_map.identifier_value
    where
        requests.is_identifier_valid
        and requests.requested_date <= {{ as_of }}
),

tombstoned as (
    select customer_id
    from customer_identity_map
    where
        {{ is_erasure_tombstone('identifier_value') }}
        and placed_by in ('account', 'registered')
),

erased_customers as (
    select customer_id from requested_erasures
    union
    select customer_id from tombstoned
),

sends_stitched as (
    {{ stitched_campaign_sends('stg_marketing__campaign_sends', 'customer_identity_map') }}
),

recent_sends as (
    select
        sends_stitched.customer_id,
        stg_marketing__campaigns.channel,
        count(*) as sends_last_7_days
    from sends_stitched
    inner join stg_marketing__campaigns
        on sends_stitched.campaign_id = stg_marketing__campaigns.campaign_id
    where
        sends_stitched.customer_id is not null
        and not sends_stitched.is_control
        and sends_stitched.sent_date > {{ dbt.dateadd('day', -7, as_of) }}
        and sends_stitched.sent_date <= {{ as_of }}
    group by 1, 2
),

sensitive_consent as (
    select distinct customer_id
    from int_customer_consents_resolved
    where
        is_granted
        and channel in (
            {%- for channel in var('tag_sensitive_consent_channels') %}'{{ channel }}', {% endfor -%}
            '__none__'
        )
),

checked as (
    select
        dim_customers.customer_id,
        contact_channels.channel,
        customer_lifecycle.lifecycle_stage,
        customer_lifecycle.contact_policy_code,
        coalesce(recent_sends.sends_last_7_days, 0) as sends_last_7_days,
        contact_channels.max_sends_per_7_days,
        erased_customers.customer_id is not null as is_erased,
        case contact_channels.channel
            when 'sms' then dim_customers.mobile_key is not null
            when 'email' then dim_customers.email_key is not null
            when 'wecom' then coalesce(customer_features.wecom_active_contacts, 0) > 0
            when 'mall_push' then coalesce(dim_customers.is_mall_user, false)
            else false
        end as has_address,
        consents.is_granted as consent_granted,
        coalesce(customer_lifecycle.allows_regular_contact, false) as allows_regular_contact,
        coalesce(customer_lifecycle.allows_winback_contact, false) as allows_winback_contact,
        coalesce(customer_lifecycle.allows_major_sale_contact, false) as allows_major_sale_contact,
        sensitive_consent.customer_id is not null as may_use_sensitive_tags
    from dim_customers
    cross join contact_channels
    left join customer_features
        on dim_customers.customer_id = customer_features.customer_id
    left join customer_lifecycle
        on dim_customers.customer_id = customer_lifecycle.customer_id
    left join erased_customers
        on dim_customers.customer_id = erased_customers.customer_id
    left join int_customer_consents_resolved as consents
        on
            dim_customers.customer_id = consents.customer_id
            and contact_channels.channel = consents.channel
    left join recent_sends
        on
            dim_customers.customer_id = recent_sends.customer_id
            and contact_channels.channel = recent_sends.channel
    left join sensitive_consent
        on dim_customers.customer_id = sensitive_consent.customer_id
),

hard_checked as (
    select
        *,
        case
            when is_erased then 'erased'
            when not has_address then 'no_address'
            when consent_granted = false then 'consent_withdrawn'
            when consent_granted is null and {{ var('contact_requires_granted_consent') }} then 'no_consent'
            when sends_last_7_days >= max_sends_per_7_days then 'frequency_cap'
        end as hard_blocked_reason
    from checked
),

final as (
    select
        customer_id,
        channel,
        lifecycle_stage,
        contact_policy_code,
        coalesce(
            hard_blocked_reason,
            case when not allows_regular_contact then 'lifecycle_policy' end
        ) as blocked_reason,
        sends_last_7_days,
        max_sends_per_7_days,
        has_address,
        consent_granted,
        allows_regular_contact,
        hard_blocked_reason is null and allows_regular_contact as may_contact,
        hard_blocked_reason is null and allows_winback_contact as may_contact_winback,
        hard_blocked_reason is null and allows_major_sale_contact as may_contact_major_sale,
        may_use_sensitive_tags,
        {{ as_of }} as as_of_date
    from hard_checked
)

select * from final
