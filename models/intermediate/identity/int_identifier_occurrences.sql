{#- One row per identifier seen on a staged record, typed and given its role:
    anchor     the record's own account key (member card, openid, external_userid);
    strong     an id that names one WeChat person (unionid);
    registered a contact point the account owner registered (member registry and
               mall profile mobile, mall profile email);
    weak       a contact point typed by someone else (checkout phone, receiver phone,
               a guide's remark phone).
    Only valid, normalised values arrive here (staging nulls placeholders), and
    erasure tombstones (`erased-<16 hex>`, macros/privacy/tombstones.sql) as opaque
    values of their column's type and role, so records that shared an erased value
    stay linked. -#}

with stg_pos__members as (
    select * from {{ ref('stg_pos__members') }}
),

stg_mall__users as (
    select * from {{ ref('stg_mall__users') }}
),

stg_wecom__contacts as (
    select * from {{ ref('stg_wecom__contacts') }}
),

stg_wecom__contact_remark_mobiles as (
    select * from {{ ref('stg_wecom__contact_remark_mobiles') }}
),

stg_pos__orders as (
    select * from {{ ref('stg_pos__orders') }}
),

stg_mall__orders as (
    select * from {{ ref('stg_mall__orders') }}
),

stg_mall__behavior_events as (
    select * from {{ ref('stg_mall__behavior_events') }}
),

member_records as (
    select
        'pos_member' as record_source,
        member_card_no as record_id,
        'member_card' as anchor_type,
        member_card_no as anchor_value,
        mobile,
        cast(null as {{ dbt.type_string() }}) as unionid,
        cast(null as {{ dbt.type_string() }}) as email,
        false as is_order,
        registered_at as seen_at
    from stg_pos__members
),

mall_user_records as (
    select
        'mall_user' as record_source,
        openid as record_id,
        'openid' as anchor_type,
        openid as anchor_value,
        mobile,
        unionid,
        email,
        false as is_order,
        registered_at as seen_at
    from stg_mall__users
),

event_records as (
    select
        'mall_event' as record_source,
        openid || '|' || coalesce(unionid, '') as record_id,
        'openid' as anchor_type,
        openid as anchor_value,
        cast(null as {{ dbt.type_string() }}) as mobile,
        unionid,
        cast(null as {{ dbt.type_string() }}) as email,
        false as is_order,
        min(occurred_at) as seen_at
    from stg_mall__behavior_events
    where openid is not null
    group by openid, unionid
),

contact_records as (
    select
        'wecom_contact' as record_source,
        contact_id as record_id,
        'external_userid' as anchor_type,
        external_userid as anchor_value,
        cast(null as {{ dbt.type_string() }}) as mobile,
        unionid,
        cast(null as {{ dbt.type_string() }}) as email,
        false as is_order,
        added_at as seen_at
    from stg_wecom__contacts
),

remark_records as (
    -- distinct: a guide may type the same phone twice in one remark
    select distinct
        'wecom_contact' as record_source,
        remarks.contact_id as record_id,
        'external_userid' as anchor_type,
        remarks.external_userid as anchor_value,
        remarks.mobile,
        cast(null as {{ dbt.type_string() }}) as unionid,
        cast(null as {{ dbt.type_string() }}) as email,
        false as is_order,
        contacts.added_at as seen_at
    from stg_wecom__contact_remark_mobiles as remarks
    inner join stg_wecom__contacts as contacts
        on remarks.contact_id = contacts.contact_id
),

pos_order_records as (
    select
        'pos_order' as record_source,
        order_id as record_id,
        case when member_card_no is not null then 'member_card' end as anchor_type,
        member_card_no as anchor_value,
        mobile,
        cast(null as {{ dbt.type_string() }}) as unionid,
        cast(null as {{ dbt.type_string() }}) as email,
        not is_return as is_order,
        ordered_at as seen_at
    from stg_pos__orders
),

mall_order_records as (
    select
        'mall_order' as record_source,
        order_id as record_id,
        'openid' as anchor_type,
        openid as anchor_value,
        receiver_mobile as mobile,
        unionid,
        cast(null as {{ dbt.type_string() }}) as email,
        true as is_order,
        coalesce(paid_at, created_at) as seen_at
    from stg_mall__orders
    where openid is not null
),

occurrences as (
    -- anchor: every record's own account key
    {{ identifier_occurrence_rows('member_records', 'anchor', 'anchor') }}
    union all
    {{ identifier_occurrence_rows('mall_user_records', 'anchor', 'anchor') }}
    union all
    {{ identifier_occurrence_rows('event_records', 'anchor', 'anchor') }}
    union all
    {{ identifier_occurrence_rows('contact_records', 'anchor', 'anchor') }}
    union all
    {{ identifier_occurrence_rows('pos_order_records', 'anchor', 'anchor') }}
    union all
    {{ identifier_occurrence_rows('mall_order_records', 'anchor', 'anchor') }}
    -- strong: the unionid
    union all
    {{ identifier_occurrence_rows('mall_user_records', 'unionid', 'strong') }}
    union all
    {{ identifier_occurrence_rows('event_records', 'unionid', 'strong') }}
    union all
    {{ identifier_occurrence_rows('contact_records', 'unionid', 'strong') }}
    union all
    {{ identifier_occurrence_rows('mall_order_records', 'unionid', 'strong') }}
    -- registered: the account owner's own mobile and email
    union all
    {{ identifier_occurrence_rows('member_records', 'mobile', 'registered') }}
    union all
    {{ identifier_occurrence_rows('mall_user_records', 'mobile', 'registered') }}
    union all
    {{ identifier_occurrence_rows('mall_user_records', 'email', 'registered') }}
    -- weak: phones typed by someone else
    union all
    {{ identifier_occurrence_rows('remark_records', 'mobile', 'weak') }}
    union all
    {{ identifier_occurrence_rows('pos_order_records', 'mobile', 'weak') }}
    union all
    {{ identifier_occurrence_rows('mall_order_records', 'mobile', 'weak') }}
),

final as (
    -- one row per record, identifier and role: every union member above reads one
    -- record once (remarks deduplicated), and each column has one type and role
    select
        record_source,
        record_id,
        anchor_type,
        anchor_value,
        identifier_type,
        identifier_value,
        identifier_role,
        {{ identity_node_id('identifier_type', 'identifier_value') }} as node_id,
        case when anchor_value is not null then {{ identity_node_id('anchor_type', 'anchor_value') }} end as anchor_node_id,
        {{ identity_node_id('record_source', 'record_id') }} as record_node_id,
        is_order,
        {{ utc_to_business_date('seen_at') }} as seen_date,
        seen_at
    from occurrences
)

select * from final
