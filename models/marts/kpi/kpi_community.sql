{#- Community conversion (社群转化率, domain.md): of the people who joined a WeCom group
    (stg_wecom__group_events, event_type 'join'), the share who bought within N days
    after joining (var kpi_community_conversion_days, default 30): a purchase as of D
    paid after the join and at most N days after it (joined_at < ordered_at <= joined_at
    + N days). By join month and store. A joiner is stitched to a customer through
    their external_userid (pii.customer_identity_map); joins of people who stitch to
    nobody are counted apart (unstitched_joins) and left out of the rate. The unit is
    a customer joining in a month at a store (their first join there that month). A
    group's store is the store of the guides who hold most of its joiners as WeCom
    contacts (ties: the lower store_id), 'unknown' when none does. A joiner counts in
    the rate once N days have passed (join date + N <= D); is_complete says the whole
    month has. One row per join_month and store_id. -#}

{%- set days = var('kpi_community_conversion_days') %}

with stg_wecom__group_events as (
    select * from {{ ref('stg_wecom__group_events') }}
),

stg_wecom__contacts as (
    select * from {{ ref('stg_wecom__contacts') }}
),

stg_catalog__stores as (
    select * from {{ ref('stg_catalog__stores') }}
),

customer_identity_map as (
    select * from {{ ref('customer_identity_map') }}
),

fct_orders as (
    select * from {{ ref('fct_orders') }}
),

joins as (
    select
        event_id,
        external_userid,
        group_chat_id,
        occurred_date as joined_date,
        occurred_at as joined_at
    from stg_wecom__group_events
    where event_type = 'join'
),

group_store_votes as (
    select
        joins.group_chat_id,
        contacts.store_id,
        count(distinct joins.external_userid) as joiners
    from joins
    inner join stg_wecom__contacts as contacts
        on joins.external_userid = contacts.external_userid
    where contacts.store_id is not null
    group by 1, 2
),

group_stores as (
    select
        group_chat_id,
        store_id,
        -- tie-break: store_id unique per group_chat_id (group_store_votes groups by both)
        row_number() over (
            partition by group_chat_id order by joiners desc, store_id asc
        ) as store_rank
    from group_store_votes
),

external_userids as (
    select
        identifier_value as external_userid,
        customer_id
    from customer_identity_map
    where identifier_type = 'external_userid'
),

stitched_joins as (
    select
        joins.event_id,
        external_userids.customer_id,
        coalesce(group_stores.store_id, 'unknown') as store_id,
        cast({{ dbt.date_trunc('month', 'joins.joined_date') }} as date) as join_month,
        joins.joined_date,
        joins.joined_at
    from joins
    left join group_stores
        on
            joins.group_chat_id = group_stores.group_chat_id
            and group_stores.store_rank = 1
    left join external_userids
        on joins.external_userid = external_userids.external_userid
),

joiners as (
    -- a customer's first join at a store in a month
    select
        customer_id,
        store_id,
        join_month,
        min(joined_date) as joined_date,
        min(joined_at) as joined_at
    from stitched_joins
    where customer_id is not null
    group by 1, 2, 3
),

purchases as (
    select
        customer_id,
        ordered_at
    from fct_orders
    where
        is_purchase
        and customer_id is not null
),

converted as (
    select distinct
        joiners.customer_id,
        joiners.store_id,
        joiners.join_month
    from joiners
    inner join purchases
        on
            joiners.customer_id = purchases.customer_id
            and joiners.joined_at < purchases.ordered_at
            and {{ dbt.dateadd('day', days, 'joiners.joined_at') }} >= purchases.ordered_at
),

joiner_outcomes as (
    select
        joiners.store_id,
        joiners.join_month,
        count(*) as joiners,
        sum(
            case
                when cast({{ dbt.dateadd('day', days, 'joiners.joined_date') }} as date) <= {{ as_of_date() }} then 1
                else 0
            end
        ) as elapsed_joiners,
        sum(
            case
                when
                    cast({{ dbt.dateadd('day', days, 'joiners.joined_date') }} as date) <= {{ as_of_date() }}
                    and converted.customer_id is not null
                    then 1
                else 0
            end
        ) as converted_joiners
    from joiners
    left join converted
        on
            joiners.customer_id = converted.customer_id
            and joiners.store_id = converted.store_id
            and joiners.join_month = converted.join_month
    group by 1, 2
),

unstitched as (
    select
        store_id,
        join_month,
        count(*) as unstitched_joins
    from stitched_joins
    where customer_id is null
    group by 1, 2
),

cells as (
    select
        store_id,
        join_month
    from joiner_outcomes
    union
    select
        store_id,
        join_month
    from unstitched
),

final as (
    select
        cells.store_id,
        stores.store_name,
        stores.province,
        {{ days }} as conversion_days,
        coalesce(joiner_outcomes.joiners, 0) as joiners,
        coalesce(joiner_outcomes.elapsed_joiners, 0) as elapsed_joiners,
        coalesce(joiner_outcomes.converted_joiners, 0) as converted_joiners,
        {{ kpi_ratio('joiner_outcomes.converted_joiners', 'joiner_outcomes.elapsed_joiners') }} as conversion_rate,
        coalesce(unstitched.unstitched_joins, 0) as unstitched_joins,
        cast({{ dbt.dateadd(
            'day', days, dbt.last_day('cells.join_month', 'month')
        ) }} as date) <= {{ as_of_date() }} as is_complete,
        cells.join_month
    from cells
    left join joiner_outcomes
        on
            cells.store_id = joiner_outcomes.store_id
            and cells.join_month = joiner_outcomes.join_month
    left join unstitched
        on
            cells.store_id = unstitched.store_id
            and cells.join_month = unstitched.join_month
    left join stg_catalog__stores as stores
        on cells.store_id = stores.store_id
)

select * from final
