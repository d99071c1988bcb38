{#- One row per distinct identifier: its graph node, what it was seen on, and whether
    it may link records (and, for a member card, the name it is registered to, which
    the stitching phases compare). An identifier does not link when it is
    - blocklisted: it matches the seed identity_identifier_blocklist (an erasure
      tombstone never does);
    - a hub: a mobile or email carried by more distinct accounts of one kind than
      var identity_hub_max_accounts allows (a guide's phone typed on many contacts),
      or by more orders in one calendar quarter than var
      identity_hub_max_orders_per_quarter (a store's checkout phone typed for
      walk-ins). -#}

{%- set max_accounts = var('identity_hub_max_accounts') %}

with int_identifier_occurrences as (
    select * from {{ ref('int_identifier_occurrences') }}
),

identity_identifier_blocklist as (
    select * from {{ ref('identity_identifier_blocklist') }}
),

stg_pos__members as (
    select * from {{ ref('stg_pos__members') }}
),

card_holders as (
    -- the name a member card is registered to, compared without case or spaces
    select
        member_card_no,
        nullif(lower({{ regexp_replace_all('member_name', '[[:space:]]+', '') }}), '') as holder_name_key
    from stg_pos__members
),

account_unionids as (
    -- the unionids each account carries on its records
    select distinct
        anchor_node_id,
        node_id as unionid_node_id
    from int_identifier_occurrences
    where identifier_role = 'strong'
),

contact_point_unionids as (
    -- per mobile or email: the unionids of the accounts whose records carry it
    select
        occurrences.node_id,
        count(distinct account_unionids.unionid_node_id) as unionids
    from int_identifier_occurrences as occurrences
    inner join account_unionids
        on occurrences.anchor_node_id = account_unionids.anchor_node_id
    where occurrences.identifier_type in ('mobile', 'email')
    group by 1
),

quarterly_orders as (
    -- (record, identifier) is unique in the occurrences: count(*) counts orders
    select
        node_id,
        {{ dbt.date_trunc('quarter', 'seen_date') }} as seen_quarter,
        count(*) as orders
    from int_identifier_occurrences
    where is_order
    group by 1, 2
),

order_volume as (
    select
        node_id,
        max(orders) as max_orders_per_quarter
    from quarterly_orders
    group by 1
),

{%- set contact_point = "identifier_type in ('mobile', 'email') and anchor_type = " %}

profiled as (
    select
        node_id,
        {{ dbt.any_value('identifier_type') }} as identifier_type,
        {{ dbt.any_value('identifier_value') }} as identifier_value,
        count(*) as records,
        count(distinct case when {{ contact_point }}'member_card' then anchor_node_id end) as member_cards,
        count(distinct case when {{ contact_point }}'openid' then anchor_node_id end) as openids,
        count(distinct case when {{ contact_point }}'external_userid' then anchor_node_id end) as external_userids,
        max(case when identifier_role = 'anchor' then 1 else 0 end) = 1 as is_anchor,
        max(case when identifier_role = 'strong' then 1 else 0 end) = 1 as is_strong,
        max(case when identifier_role = 'registered' then 1 else 0 end) = 1 as is_registered,
        max(case when identifier_role = 'weak' then 1 else 0 end) = 1 as is_weak,
        min(seen_at) as first_seen_at,
        max(seen_at) as last_seen_at
    from int_identifier_occurrences
    group by 1
),

with_unionids as (
    select
        profiled.*,
        coalesce(contact_point_unionids.unionids, 0) as unionids
    from profiled
    left join contact_point_unionids
        on profiled.node_id = contact_point_unionids.node_id
),

blocklisted as (
    -- an erasure tombstone (macros/privacy/tombstones.sql) is no phone or email: no
    -- rule about real values applies to it (hub limits, which count accounts, do)
    select
        profiled.node_id,
        min(blocklist.reason) as blocklist_reason
    from with_unionids as profiled
    inner join identity_identifier_blocklist as blocklist
        on
            profiled.identifier_type = blocklist.identifier_type
            and not {{ is_erasure_tombstone('profiled.identifier_value') }}
            and (
                (blocklist.match_type = 'exact' and profiled.identifier_value = blocklist.value_pattern)
                or (
                    blocklist.match_type = 'pattern'
                    and {{ regexp_full_match_expr('profiled.identifier_value', 'blocklist.value_pattern') }}
                )
            )
    group by 1
),

final as (
    select
        profiled.node_id,
        profiled.identifier_type,
        profiled.identifier_value,
        profiled.records,
        profiled.member_cards,
        profiled.openids,
        profiled.external_userids,
        profiled.unionids,
        coalesce(order_volume.max_orders_per_quarter, 0) as max_orders_per_quarter,
        case
            when blocklisted.node_id is not null then 'blocklisted'
            when profiled.identifier_type in ('mobile', 'email') and (
                profiled.member_cards > {{ max_accounts['member_card'] }}
                or profiled.openids > {{ max_accounts['openid'] }}
                or profiled.external_userids > {{ max_accounts['external_userid'] }}
                or profiled.unionids > {{ max_accounts['unionid'] }}
                or coalesce(order_volume.max_orders_per_quarter, 0) > {{ var('identity_hub_max_orders_per_quarter') }}
            ) then 'hub'
            else 'linkable'
        end as link_status,
        case
            when blocklisted.node_id is not null then blocklisted.blocklist_reason
            when profiled.identifier_type not in ('mobile', 'email') then null
            when profiled.member_cards > {{ max_accounts['member_card'] }}
                then 'on ' || profiled.member_cards || ' member cards (max {{ max_accounts["member_card"] }})'
            when profiled.openids > {{ max_accounts['openid'] }}
                then 'on ' || profiled.openids || ' mall accounts (max {{ max_accounts["openid"] }})'
            when profiled.external_userids > {{ max_accounts['external_userid'] }}
                then 'on ' || profiled.external_userids || ' WeCom contacts (max {{ max_accounts["external_userid"] }})'
            when profiled.unionids > {{ max_accounts['unionid'] }}
                then 'with ' || profiled.unionids || ' unionids (max {{ max_accounts["unionid"] }})'
            when coalesce(order_volume.max_orders_per_quarter, 0) > {{ var('identity_hub_max_orders_per_quarter') }}
                then 'on ' || order_volume.max_orders_per_quarter || ' orders in one quarter (max {{ var("identity_hub_max_orders_per_quarter") }})'
        end as quarantine_reason,
        card_holders.holder_name_key,
        profiled.is_anchor,
        profiled.is_strong,
        profiled.is_registered,
        profiled.is_weak,
        profiled.first_seen_at,
        profiled.last_seen_at
    from with_unionids as profiled
    left join order_volume
        on profiled.node_id = order_volume.node_id
    left join blocklisted
        on profiled.node_id = blocklisted.node_id
    left join card_holders
        on
            profiled.identifier_type = 'member_card'
            and profiled.identifier_value = card_holders.member_card_no
)

select * from final
