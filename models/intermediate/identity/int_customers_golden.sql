{#- The golden record of every customer, by these survivorship rules:
    - name: the member registry first (the card updated last with a non-blank name),
      then the WeCom contact name a guide saved last; mall nicknames are not names;
    - mobile: the registered mobile of the card updated last, then of the mall
      account updated last (a weak phone never becomes the customer's mobile);
    - email: the mall account updated last with one;
    - an erasure tombstone in place of a mobile or email (staging keeps it as an
      opaque identifier) is never the customer's mobile or email;
    - gender, birth date, baby birth date: the card updated last with a value;
    - home store: where the customer's first card was issued, else the store of most
      of their WeCom contacts;
    - province and region: the home store's, else the mall delivery province used
      most often (ties: the latest order).
    Holds personal data: read by pii.customer_contacts and, masked, by dim_customers.
    One row per customer_id. -#}

with int_customer_keys as (
    select * from {{ ref('int_customer_keys') }}
),

int_identifiers_profiled as (
    select * from {{ ref('int_identifiers_profiled') }}
),

stg_pos__members as (
    select * from {{ ref('stg_pos__members') }}
),

stg_mall__users as (
    select * from {{ ref('stg_mall__users') }}
),

stg_wecom__contacts as (
    select * from {{ ref('stg_wecom__contacts') }}
),

stg_mall__orders as (
    select * from {{ ref('stg_mall__orders') }}
),

stg_catalog__stores as (
    select * from {{ ref('stg_catalog__stores') }}
),

int_customer_records as (
    select * from {{ ref('int_customer_records') }}
),

customer_nodes as (
    select
        customer_keys.customer_id,
        profiled.identifier_type,
        profiled.identifier_value,
        profiled.first_seen_at
    from int_customer_keys as customer_keys
    inner join int_identifiers_profiled as profiled
        on customer_keys.node_id = profiled.node_id
),

customers as (
    select
        customer_id,
        min(first_seen_at) as first_seen_at,
        count(*) as identifiers,
        sum(case when identifier_type = 'member_card' then 1 else 0 end) as member_cards,
        sum(case when identifier_type = 'openid' then 1 else 0 end) as mall_accounts,
        sum(case when identifier_type = 'external_userid' then 1 else 0 end) as wecom_contacts,
        sum(case when identifier_type = 'unionid' then 1 else 0 end) as unionids
    from customer_nodes
    group by 1
),

cards as (
    select
        nodes.customer_id,
        members.*
    from customer_nodes as nodes
    inner join stg_pos__members as members
        on
            nodes.identifier_type = 'member_card'
            and nodes.identifier_value = members.member_card_no
),

mall_accounts as (
    select
        nodes.customer_id,
        mall_users.*
    from customer_nodes as nodes
    inner join stg_mall__users as mall_users
        on
            nodes.identifier_type = 'openid'
            and nodes.identifier_value = mall_users.openid
),

contacts as (
    select
        nodes.customer_id,
        contacts.*
    from customer_nodes as nodes
    inner join stg_wecom__contacts as contacts
        on
            nodes.identifier_type = 'external_userid'
            and nodes.identifier_value = contacts.external_userid
),

card_attributes_ranked as (
    select
        customer_id,
        member_name,
        {{ without_tombstone('mobile') }} as mobile,
        gender,
        birth_date,
        baby_birth_date,
        home_store_id,
        registered_at,
        row_number() over (partition by customer_id order by case when member_name is null then 1 else 0 end asc, updated_at desc, registered_at desc, member_card_no asc) as name_rank,  -- tie-break: member_card_no unique per customer_id (a card is one node)
        row_number() over (partition by customer_id order by case when {{ without_tombstone('mobile') }} is null then 1 else 0 end asc, updated_at desc, registered_at desc, member_card_no asc) as mobile_rank,  -- tie-break: member_card_no unique per customer_id (a card is one node)
        row_number() over (partition by customer_id order by case when gender is null then 1 else 0 end asc, updated_at desc, registered_at desc, member_card_no asc) as gender_rank,  -- tie-break: member_card_no unique per customer_id (a card is one node)
        row_number() over (partition by customer_id order by case when birth_date is null then 1 else 0 end asc, updated_at desc, registered_at desc, member_card_no asc) as birth_rank,  -- tie-break: member_card_no unique per customer_id (a card is one node)
        row_number() over (partition by customer_id order by case when baby_birth_date is null then 1 else 0 end asc, updated_at desc, registered_at desc, member_card_no asc) as baby_rank,  -- tie-break: member_card_no unique per customer_id (a card is one node)
        row_number() over (partition by customer_id order by registered_at asc, member_card_no asc) as first_rank  -- tie-break: member_card_no unique per customer_id (a card is one node)
    from cards
),

card_attributes as (
    select
        customer_id,
        max(case when name_rank = 1 then member_name end) as card_name,
        max(case when mobile_rank = 1 then mobile end) as card_mobile,
        max(case when gender_rank = 1 then gender end) as gender,
        max(case when birth_rank = 1 then birth_date end) as birth_date,
        max(case when baby_rank = 1 then baby_birth_date end) as baby_birth_date,
        max(case when first_rank = 1 then home_store_id end) as first_card_store_id,
        min(registered_at) as first_card_registered_at
    from card_attributes_ranked
    group by 1
),

mall_attributes_ranked as (
    select
        customer_id,
        {{ without_tombstone('mobile') }} as mobile,
        {{ without_tombstone('email') }} as email,
        registered_at,
        row_number() over (partition by customer_id order by case when {{ without_tombstone('mobile') }} is null then 1 else 0 end asc, updated_at desc, openid asc) as mobile_rank,  -- tie-break: openid unique per customer_id (an account is one node)
        row_number() over (partition by customer_id order by case when {{ without_tombstone('email') }} is null then 1 else 0 end asc, updated_at desc, openid asc) as email_rank  -- tie-break: openid unique per customer_id (an account is one node)
    from mall_accounts
),

mall_attributes as (
    select
        customer_id,
        max(case when mobile_rank = 1 then mobile end) as mall_mobile,
        max(case when email_rank = 1 then email end) as email,
        min(registered_at) as first_mall_registered_at
    from mall_attributes_ranked
    group by 1
),

contacts_counted as (
    select
        *,
        count(*) over (partition by customer_id, store_id) as store_contacts
    from contacts
),

contact_attributes_ranked as (
    select
        customer_id,
        contact_name,
        store_id,
        added_at,
        row_number() over (partition by customer_id order by case when contact_name is null then 1 else 0 end asc, added_at desc, contact_id asc) as name_rank,  -- tie-break: contact_id unique per customer_id (stg_wecom__contacts key)
        row_number() over (partition by customer_id order by case when store_id is null then 1 else 0 end asc, store_contacts desc, added_at asc, contact_id asc) as store_rank  -- tie-break: contact_id unique per customer_id (stg_wecom__contacts key)
    from contacts_counted
),

contact_attributes as (
    select
        customer_id,
        max(case when name_rank = 1 then contact_name end) as contact_name,
        max(case when store_rank = 1 then store_id end) as contact_store_id,
        min(added_at) as first_added_at
    from contact_attributes_ranked
    group by 1
),

delivery_provinces as (
    select
        records.customer_id,
        {{ regexp_replace_all('orders.receiver_province', '(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$', '') }} as province,
        count(*) as orders,
        max(orders.created_at) as last_ordered_at
    from stg_mall__orders as orders
    inner join int_customer_records as records
        on
            records.record_source = 'mall_order'
            and orders.order_id = records.record_id
    where
        records.customer_id is not null
        and orders.receiver_province is not null
    group by 1, 2
),

top_delivery_province_ranked as (
    select
        customer_id,
        province,
        row_number() over (partition by customer_id order by orders desc, last_ordered_at desc, province asc) as province_rank  -- tie-break: province unique per customer_id (grouped by both)
    from delivery_provinces
),

top_delivery_province as (
    select
        customer_id,
        province
    from top_delivery_province_ranked
    where province_rank = 1
),

province_regions as (
    select
        province,
        min(region) as region
    from stg_catalog__stores
    group by 1
),

final as (
    select
        customers.customer_id,
        coalesce(card_attributes.card_name, contact_attributes.contact_name) as customer_name,
        coalesce(card_attributes.card_mobile, mall_attributes.mall_mobile) as mobile,
        mall_attributes.email,
        card_attributes.gender,
        coalesce(card_attributes.first_card_store_id, contact_attributes.contact_store_id) as home_store_id,
        coalesce(home_store.province, top_delivery_province.province) as province,
        coalesce(home_store.region, province_regions.region) as region,
        customers.identifiers,
        customers.member_cards,
        customers.mall_accounts,
        customers.wecom_contacts,
        customers.unionids,
        card_attributes.birth_date,
        card_attributes.baby_birth_date,
        customers.first_seen_at,
        card_attributes.first_card_registered_at,
        mall_attributes.first_mall_registered_at,
        contact_attributes.first_added_at as first_wecom_added_at
    from customers
    left join card_attributes
        on customers.customer_id = card_attributes.customer_id
    left join mall_attributes
        on customers.customer_id = mall_attributes.customer_id
    left join contact_attributes
        on customers.customer_id = contact_attributes.customer_id
    left join stg_catalog__stores as home_store
        on coalesce(card_attributes.first_card_store_id, contact_attributes.contact_store_id) = home_store.store_id
    left join top_delivery_province
        on customers.customer_id = top_delivery_province.customer_id
    left join province_regions
        on coalesce(home_store.province, top_delivery_province.province) = province_regions.province
)

select * from final
