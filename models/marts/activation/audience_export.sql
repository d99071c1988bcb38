{#- What is sent to a channel for each marketing audience (人群包导出), as of D: one row
    per audience and customer of audience_members whose audience targets a marketing
    channel and who may be contacted on it today (audience_contact_list). A person who
    withdrew consent on the channel, was erased, is capped or is out of the lifecycle
    policy never appears (tests/activation). Carries keyed contact handles, never a
    phone or an email: the channel integration resolves them in the restricted pii
    schema. Audiences for the store guide (target_channel guide) are not exported. The
    audience's purpose (seed tag_audiences: regular, winback, major_sale) picks which
    lifecycle allowance applies. -#}

with audience_members as (
    select * from {{ ref('audience_members') }}
),

tag_audiences as (
    select * from {{ ref('tag_audiences') }}
),

audience_contact_list as (
    select * from {{ ref('audience_contact_list') }}
),

dim_customers as (
    select * from {{ ref('dim_customers') }}
),

final as (
    select
        audience_members.audience_code,
        audience_members.customer_id,
        audience_members.target_channel as channel,
        tag_audiences.purpose,
        dim_customers.mobile_key,
        dim_customers.email_key,
        audience_members.as_of_date
    from audience_members
    inner join tag_audiences
        on audience_members.audience_code = tag_audiences.audience_code
    inner join audience_contact_list
        on
            audience_members.customer_id = audience_contact_list.customer_id
            and audience_members.target_channel = audience_contact_list.channel
    inner join dim_customers
        on audience_members.customer_id = dim_customers.customer_id
    where
        case tag_audiences.purpose
            when 'winback' then audience_contact_list.may_contact_winback
            when 'major_sale' then audience_contact_list.may_contact_major_sale
            else audience_contact_list.may_contact
        end
        and (not audience_members.uses_sensitive_tags or audience_contact_list.may_use_sensitive_tags)
)

select * from final
